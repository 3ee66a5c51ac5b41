"""Normalize: an article's text, repaired and converted to simplified script.

Takes the text as given; gives a `NormalizedText` (`normalizer`): repairs of scraper and conversion damage
(`repairs`), traditional to simplified (`convert`), and the offset map back to the original (`offsets`);
`throughput` times a text function, for the converter choice and the benchmark.
"""
