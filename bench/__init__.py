"""Benchmarks for the departures extractor: a corpus generator and `python -m bench run`."""
