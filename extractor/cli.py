"""The `departures` command line: thin wrappers over library functions.

stdout carries data only; logs and summaries go to stderr. Exit codes: 0 all good,
1 some inputs failed (or a score is under its floor), 2 usage error.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from .models import event_json_schema

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Extract departure events from Chinese news articles, score them, and load them into a database.",
)


@app.command()
def schema() -> None:
    """Print the JSON Schema of one departure event."""
    sys.stdout.write(json.dumps(event_json_schema(), ensure_ascii=False, indent=2) + "\n")


def main() -> None:  # pragma: no cover - console entry point
    app()
