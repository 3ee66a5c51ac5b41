"""Imported by the fork server that starts extraction workers (see workers.py).

It loads what every worker needs and what survives a fork: Python modules and jieba's dictionary.
Nothing here may start a native thread or take a native lock (OpenCC's converter does on its first
use, so it is built in each worker).
"""
from __future__ import annotations

import spacy  # noqa: F401  # imported here so that every worker starts with it imported

from extractor.entities.segment import default_dictionary

default_dictionary()
