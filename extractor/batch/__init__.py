"""Batches: many articles through the pipeline, in worker processes, into files.

Takes inputs and options; gives events and error records as JSON Lines written atomically and resumably
(`output`), with progress on a terminal (`progress`) and a summary. `runner` drives it; `workers` holds the
processes of the fork server, which `preload` warms up before it forks.
"""
