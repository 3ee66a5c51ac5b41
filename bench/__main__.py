"""`python -m bench corpus …` writes a corpus; `python -m bench run …` measures and reports;
`python -m bench spark …` compares `departures spark` with `departures extract` alone."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .corpus import MIXES, parse_size, write_corpus_file


def _size(text: str) -> int:
    try:
        return parse_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    corpus = commands.add_parser("corpus", help="write a generated corpus as JSON Lines")
    corpus.add_argument("--mix", choices=sorted(MIXES), default="daily",
                        help="dense: every article about departures; daily: about 5%% are (default)")
    corpus.add_argument("--size", type=_size, default=parse_size("20MB"),
                        help="bytes of JSON Lines to write, e.g. 500KB, 20MB, 1GiB (default 20MB)")
    corpus.add_argument("--seed", type=int, default=1, help="same seed, same corpus (default 1)")
    corpus.add_argument("-o", "--output", default="-", help="file to write, '-' for stdout (default)")

    run = commands.add_parser("run", help="run every benchmark and print a Markdown report")
    run.add_argument("--quick", action="store_true",
                     help="small corpora (2 MB; memory compared on 2 MB vs 20 MB) for a run of a few minutes")
    run.add_argument("--size", help="size of each throughput corpus (default 20MB, or 2MB with --quick)")
    run.add_argument("--seed", type=int, default=1)
    run.add_argument("--workers", type=int, help="workers for the scaling figure (default: all cores)")
    run.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL load figure")

    spark = commands.add_parser("spark", help="only `departures spark` (local[1], local[N]) against extract --workers N")
    spark.add_argument("--size", type=_size, default=parse_size("5MB"), help="size of the dense corpus (default 5MB)")
    spark.add_argument("--seed", type=int, default=1)
    spark.add_argument("--workers", type=int, help="cores and extract workers to compare (default: all cores)")
    spark.add_argument("--repeats", type=int, default=1, help="interleaved runs of each, the fastest kept (default 1)")

    child_spark = commands.add_parser("child-spark", help=argparse.SUPPRESS)
    child_spark.add_argument("input", type=Path)
    child_spark.add_argument("--master", default="local[1]")

    child = commands.add_parser("child-extract", help=argparse.SUPPRESS)
    child.add_argument("input", type=Path)
    child.add_argument("--workers", type=int, default=1)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "corpus":
        stats = write_corpus_file(args.output, args.mix, args.size, args.seed)
        print(f"wrote {stats.articles:,} articles ({stats.departures:,} about departures), "
              f"{stats.bytes:,} bytes", file=sys.stderr)
        return 0
    if args.command == "child-extract":
        from .child import main as child_main

        child_main(args.input, args.workers)
        return 0
    if args.command == "child-spark":
        from .spark import child_spark

        sys.stdout.write(json.dumps(child_spark(args.input, args.master)) + "\n")
        return 0
    if args.command == "spark":
        from . import spark

        section = spark.main(args.size, args.seed, args.workers or os.cpu_count() or 1, args.repeats)
        sys.stdout.write(spark.render(section) + "\n")
        return 0
    from .report import render
    from .run import RESULTS_DIR, make_plan, run

    try:
        plan = make_plan(args.quick, args.size, args.seed, args.workers, postgres=not args.no_postgres)
    except ValueError as exc:
        print(f"python -m bench run: {exc}", file=sys.stderr)
        return 2
    results = run(plan)
    sys.stdout.write(render(results))
    print(f"results written to {RESULTS_DIR / 'latest.json'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
