"""The `departures` command line: thin wrappers over library functions.

stdout carries data only; logs and summaries go to stderr. Exit codes: 0 all good,
1 some inputs failed (or a score is under its floor), 2 usage error.
"""
from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from .models import event_json_schema

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Extract departure events from Chinese news articles, score them, and load them into a database.",
)


def usage_error(message: str) -> typer.Exit:
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(2)


def failure(message: str) -> typer.Exit:
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(1)


def check_inputs(inputs: list[str], published_at: Optional[str], rules: Optional[Path]) -> None:
    """The usage checks `extract` and `run` share: inputs exist, the date parses, rules is a folder."""
    from extractor.ingest.datelines import parse_iso_date

    missing = [path for path in inputs if path != "-" and not Path(path).exists()]
    if missing:
        raise usage_error(f"no such input: {', '.join(missing)}")
    if published_at is not None and parse_iso_date(published_at) is None:
        raise usage_error(f"--published-at {published_at!r} is not a date: use YYYY-MM-DD (or YYYY-MM, YYYY)")
    if rules is not None and not rules.is_dir():
        raise usage_error(f"--rules {rules}: not a folder")


@app.command()
def schema() -> None:
    """Print the JSON Schema of one departure event."""
    sys.stdout.write(json.dumps(event_json_schema(), ensure_ascii=False, indent=2) + "\n")


@app.command()
def evaluate(
    gold: Path = typer.Option(..., "--gold", help="Gold JSON Lines, one article per line (SPEC section 3)."),
    pred: str = typer.Option(..., "--pred", help="Predicted events as JSON Lines (SPEC section 2); - reads stdin."),
    as_json: bool = typer.Option(False, "--json", help="Print a machine-readable JSON report instead of the table."),
    show: bool = typer.Option(False, "--show", help="Also list every miss, false alarm and wrong field value."),
    min_event_f1: Optional[float] = typer.Option(
        None, "--min-event-f1", min=0.0, max=1.0, help="Exit 1 when the corpus events F1 is under this floor."),
    min_field_f1: Optional[float] = typer.Option(
        None, "--min-field-f1", min=0.0, max=1.0, help="Exit 1 when any field's corpus F1 is under this floor."),
) -> None:
    """Score predicted events against gold (SPEC section 4): precision, recall and F1 for events and fields.

    Predicted articles missing from the gold count as false positives (warned on stderr).
    Gold articles without predictions count all their events as missed.
    """
    from extractor.evaluation.evaluate import EvaluationInputError, evaluate_files
    from extractor.evaluation.report import floor_failures, format_mistakes, format_table, report_dict

    try:
        score = evaluate_files(gold, sys.stdin.buffer if pred == "-" else Path(pred))
    except EvaluationInputError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(2)
    if score.unknown_articles:
        typer.echo(f"warning: {len(score.unknown_articles)} predicted article(s) not in the gold, their events "
                   f"count as false positives: {', '.join(score.unknown_articles)}", err=True)
    if as_json:
        sys.stdout.write(json.dumps(report_dict(score, show=show), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(format_table(score))
        if show:
            sys.stdout.write("\n" + format_mistakes(score))
    failures = floor_failures(score, min_event_f1, min_field_f1)
    for failure in failures:
        typer.echo(f"under floor: {failure}", err=True)
    if failures:
        raise typer.Exit(1)


_DB_HELP = "Database: a SQLite file path, sqlite:///path or postgresql://user@host/db.  [default: departures.db]"


@app.command()
def load(
    events: str = typer.Argument(..., help="Events as JSON Lines (SPEC section 2); - reads stdin."),
    db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """Load events into the database and merge them across articles into departures.

    Events are upserted by event_id: loading a file twice changes nothing, a changed event replaces
    the old one. The file holds every event of each article it names: earlier events of those articles
    that it no longer holds are deleted. Broken lines are reported with their number and skipped (exit 1).
    """
    from .db import DatabaseError, DatabaseUrlError, load_events

    if events != "-" and not Path(events).is_file():
        typer.echo(f"Error: no events file at {events}", err=True)
        raise typer.Exit(2)
    try:
        summary = load_events(sys.stdin.buffer if events == "-" else Path(events), db)
    except DatabaseUrlError as exc:
        raise usage_error(str(exc))
    except DatabaseError as exc:
        raise failure(str(exc))
    for line in summary.report_lines("<stdin>" if events == "-" else events):
        typer.echo(line, err=True)
    if summary.errors:
        raise typer.Exit(1)


@app.command()
def export(
    merged: bool = typer.Option(
        False, "--merged", help="One merged departure per line, with its source events and evidence."),
    db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write to this file instead of stdout."),
) -> None:
    """Write the database out as JSON Lines: the loaded events, or with --merged the departures."""
    import os
    import tempfile

    from .db import DatabaseError, DatabaseUrlError, connect, export_events, export_merged, require_schema

    try:
        with connect(db, must_exist=True) as database, database.reporting("reading"):
            require_schema(database)
            records = export_merged(database) if merged else export_events(database)
            if output is None:
                for record in records:
                    sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
            else:
                # a temporary file renamed when complete: a failed export never leaves half a file
                handle, temporary = tempfile.mkstemp(dir=output.parent or Path("."), prefix=f".{output.name}.")
                try:
                    with os.fdopen(handle, "w", encoding="utf-8") as sink:
                        for record in records:
                            sink.write(json.dumps(record, ensure_ascii=False) + "\n")
                    os.replace(temporary, output)
                except BaseException:
                    Path(temporary).unlink(missing_ok=True)
                    raise
    except DatabaseUrlError as exc:
        raise usage_error(str(exc))
    except DatabaseError as exc:
        raise failure(str(exc))


@app.command()
def run(
    inputs: list[str] = typer.Argument(
        ..., help="Article files (.txt, .html, .htm, .jsonl) or folders of them; - reads JSON Lines from stdin."),
    db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP),
    errors: Optional[Path] = typer.Option(
        None, "--errors", help="Write one JSON line per failed article here instead of readable lines on stderr."),
    events: Optional[Path] = typer.Option(None, "--events", help="Keep the extracted events in this file."),
    workers: Optional[int] = typer.Option(
        None, "--workers", min=1, help="Extraction processes; 1 runs in this process.  [default: number of cores]"),
    published_at: Optional[str] = typer.Option(
        None, "--published-at", help="Publication date (YYYY-MM-DD, YYYY-MM or YYYY) for articles that give none."),
    rules: Optional[Path] = typer.Option(None, "--rules", help="A folder of rule files overlaid on the shipped rules."),
    quiet: bool = typer.Option(False, "--quiet", help="No progress line on stderr, only the final summary."),
) -> None:
    """The daily job: extract departure events from articles, load them and merge them into the database.

    Prints a summary on stderr (articles, failures, events, departures). Exit 0 when every article went
    through, 1 when any failed or the database could not be used, 2 for a usage error.
    """
    from extractor.batch.runner import BatchInterrupted
    from extractor.ingest.datelines import parse_iso_date
    from .db import DatabaseError, DatabaseUrlError
    from extractor.rulebook.loader import RuleFileError
    from extractor.db.runjob import run_job

    check_inputs(inputs, published_at, rules)
    try:
        summary = run_job(
            inputs, db, events_path=events, errors_path=errors, workers=workers, quiet=quiet,
            published_at=parse_iso_date(published_at) if published_at else None, rules_dir=rules,
        )
    except (DatabaseUrlError, RuleFileError) as exc:
        raise usage_error(str(exc))
    except DatabaseError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(1)
    except BatchInterrupted as exc:
        typer.echo(f"run: interrupted after {exc.summary.line()}; nothing was loaded into the database", err=True)
        raise typer.Exit(128 + exc.signum)
    except OSError as exc:
        typer.echo(f"Error: cannot write {exc.filename or 'the events'}: {exc.strerror or exc}", err=True)
        raise typer.Exit(1)
    for line in summary.load.report_lines(str(events) if events else "the extracted events"):
        typer.echo(line, err=True)
    typer.echo(f"run: {summary.line()}", err=True)
    if not summary.ok:
        raise typer.Exit(1)


@app.command()
def extract(
    inputs: list[str] = typer.Argument(
        ..., help="Article files (.txt, .html, .htm, .jsonl) or folders of them; - reads JSON Lines from stdin."),
    output: Optional[Path] = typer.Option(
        None, "-o", "--output", help="Write events here (written atomically) instead of stdout."),
    errors: Optional[Path] = typer.Option(
        None, "--errors", help="Write one JSON line per failed article here instead of readable lines on stderr."),
    published_at: Optional[str] = typer.Option(
        None, "--published-at", help="Publication date (YYYY-MM-DD, YYYY-MM or YYYY) for articles that give none."),
    workers: Optional[int] = typer.Option(
        None, "--workers", min=1, help="Extraction processes; 1 runs in this process.  [default: number of cores]"),
    resume: bool = typer.Option(
        False, "--resume", help="Finish an interrupted run into the same -o file: skip articles already done."),
    quiet: bool = typer.Option(False, "--quiet", help="No progress line on stderr, only the final summary."),
    rules: Optional[Path] = typer.Option(None, "--rules", help="A folder of rule files overlaid on the shipped rules."),
    max_mb: float = typer.Option(
        10.0, "--max-mb", min=0.001, help="Largest article (file or JSON line) read, in MB; larger ones are errors."),
) -> None:
    """Extract departure events from articles as JSON Lines (SPEC section 2), one event per line.

    Articles that cannot be read or processed are reported (see --errors) and the others go on.
    With -o, finished articles are listed in FILE.done as they complete, so an interrupted run
    can be finished with --resume. Exit 0 when every article went through, 1 when any failed,
    2 for a usage error.
    """
    from extractor.batch.runner import BatchInterrupted, run_extract
    from extractor.batch.output import ResumeError
    from extractor.ingest.datelines import parse_iso_date
    from extractor.rulebook.loader import RuleFileError

    check_inputs(inputs, published_at, rules)
    if resume and output is None:
        raise usage_error("--resume needs -o FILE: events written to stdout cannot be resumed")
    try:
        summary = run_extract(
            inputs, output, errors, workers=workers, resume=resume, quiet=quiet,
            published_at=parse_iso_date(published_at) if published_at else None,
            rules_dir=rules, max_bytes=int(max_mb * 2**20),
        )
    except (ResumeError, RuleFileError) as exc:
        raise usage_error(str(exc))
    except BatchInterrupted as exc:
        typer.echo(f"extract: interrupted after {exc.summary.line()}", err=True)
        if output is not None:
            typer.echo("extract: finished articles are kept; run the same command with --resume to finish", err=True)
        raise typer.Exit(128 + exc.signum)
    except BrokenPipeError:
        _silence_stdout()  # the reader (e.g. `head`) has gone: no traceback at exit
        raise typer.Exit(1)
    except OSError as exc:
        typer.echo(f"Error: cannot write {exc.filename or 'the output'}: {exc.strerror or exc}", err=True)
        raise typer.Exit(1)
    typer.echo(f"extract: {summary.line()}", err=True)
    raise typer.Exit(summary.exit_code)


@app.command()
def entities(
    inputs: list[str] = typer.Argument(
        ..., help="Article files (.txt, .html, .htm, .jsonl) or folders of them; - reads JSON Lines from stdin."),
    output: Optional[Path] = typer.Option(
        None, "-o", "--output", help="Write here (written atomically) instead of stdout."),
    published_at: Optional[str] = typer.Option(
        None, "--published-at", help="Publication date (YYYY-MM-DD, YYYY-MM or YYYY) for articles that give none."),
    rules: Optional[Path] = typer.Option(None, "--rules", help="A folder of rule files overlaid on the shipped rules."),
) -> None:
    """List the entities of each article as JSON Lines, one line per article: type, text, offsets
    (normalized and as given), the component or rule that found each, and whether the merge of
    rules and model kept it. Shows why an event was or was not found.

    Articles that cannot be read or processed are reported on stderr with their id and reason,
    and the others go on; exit 1 when any failed.
    """
    from extractor.batch.output import AtomicFile
    from extractor.ingest.datelines import parse_iso_date
    from extractor.entity_report import article_entities
    from extractor.ingest.inputs import iter_inputs
    from .models import ErrorRecord
    from .pipeline import StageError, get_pipeline
    from extractor.rulebook.loader import RuleFileError

    check_inputs(inputs, published_at, rules)
    try:
        pipeline = get_pipeline(rules)
    except RuleFileError as exc:
        raise usage_error(str(exc))
    sink = AtomicFile(output, None) if output is not None else None
    failed = 0
    for item in iter_inputs(inputs, parse_iso_date(published_at) if published_at else None):
        if isinstance(item, ErrorRecord):
            failed += 1
            typer.echo(f"entities: {item.article_id}: {item.stage}: {item.reason}", err=True)
            continue
        try:
            line = json.dumps(article_entities(pipeline, item), ensure_ascii=False)
        except StageError as exc:
            failed += 1
            typer.echo(f"entities: {item.id}: {exc.stage}: {exc.reason}", err=True)
            continue
        except Exception as exc:  # one broken article never stops the others
            failed += 1
            typer.echo(f"entities: {item.id}: entities: {type(exc).__name__}: {exc}", err=True)
            continue
        if sink is not None:
            sink.write_lines([line])
        else:
            sys.stdout.write(line + "\n")
    if sink is not None:
        sink.finish()
    if failed:
        raise typer.Exit(1)


class SparkInput(str, Enum):
    jsonl = "jsonl"
    parquet = "parquet"
    text = "text"


class SparkOutput(str, Enum):
    jsonl = "jsonl"
    parquet = "parquet"


SPARK_EXTRA = "install the spark extra: pip install 'departures-extractor[spark]'"
_SHOWN_ERRORS = 20  # error records printed on stderr when there is no --errors folder


@app.command()
def spark(
    input: str = typer.Argument(
        ..., metavar="INPUT", help="Articles: JSON Lines, Parquet or a folder of .txt files; a file, folder or "
                                   "glob on any file system Spark reads (hdfs://, s3a://, …)."),
    output: str = typer.Argument(..., metavar="OUTPUT", help="Folder the events are written to, as part files."),
    master: Optional[str] = typer.Option(
        None, "--master", help="Spark master, e.g. local[2] or spark://host:7077.  "
                               "[default: spark-submit's, else local[*]]"),
    input_format: SparkInput = typer.Option(SparkInput.jsonl, "--input-format", help="How INPUT is read."),
    output_format: SparkOutput = typer.Option(
        SparkOutput.jsonl, "--output-format", help="SPEC JSON Lines, or Parquet with the events' fields as columns."),
    errors: Optional[str] = typer.Option(
        None, "--errors", help="Folder for the error records (in the output format) instead of stderr."),
    rules: Optional[Path] = typer.Option(
        None, "--rules", help="A folder of rule files overlaid on the shipped rules; shipped to every executor."),
    partitions: Optional[int] = typer.Option(
        None, "--partitions", min=1, help="Spread the articles over this many tasks.  [default: the input's splits]"),
    published_at: Optional[str] = typer.Option(
        None, "--published-at", help="Publication date (YYYY-MM-DD, YYYY-MM or YYYY) for articles that give none."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace OUTPUT and ERRORS when they exist."),
) -> None:
    """Extract departure events on Apache Spark: the same events and event ids as `extract`, as part files.

    Each executor's Python worker builds the pipeline once. Broken records and failed articles become
    error records and the job goes on. Exit 0 when every article went through, 1 when any failed or the
    job failed, 2 for a usage error (pyspark or Java missing included).
    """
    import os
    import shutil

    from extractor.ingest.datelines import parse_iso_date

    try:
        import pyspark  # noqa: F401 - only to tell a missing extra from a failing job
    except ImportError:
        raise usage_error(f"pyspark is not installed: {SPARK_EXTRA}")
    launched_by_spark = "PYSPARK_GATEWAY_PORT" in os.environ  # spark-submit started this process
    if not launched_by_spark and not os.environ.get("JAVA_HOME") and shutil.which("java") is None:
        raise usage_error("Spark needs Java 17 or later: install a JDK or set JAVA_HOME")
    if published_at is not None and parse_iso_date(published_at) is None:
        raise usage_error(f"--published-at {published_at!r} is not a date: use YYYY-MM-DD (or YYYY-MM, YYYY)")
    if rules is not None and not rules.is_dir():
        raise usage_error(f"--rules {rules}: not a folder")
    if _is_local(input) and not any(ch in input for ch in "*?[{") and not Path(input).exists():
        raise usage_error(f"no such input: {input}")
    for name, path in (("OUTPUT", output), ("--errors", errors)):
        if path is not None and _is_local(path) and Path(path).exists() and not overwrite:
            raise usage_error(f"{name} {path} exists: remove it or pass --overwrite")
    if rules is not None:
        from .pipeline import get_pipeline
        from extractor.rulebook.loader import RuleFileError

        try:
            get_pipeline(rules)  # bad rules fail here, with their file and line, not in every executor
        except RuleFileError as exc:
            raise usage_error(str(exc))

    from py4j.protocol import Py4JError
    from pyspark.errors import PySparkException
    from pyspark.sql import SparkSession

    from .spark_job import make_session, run_job

    try:
        # a session already running in this process (a notebook, a test) is used and left running
        created = SparkSession.getActiveSession() is None
        session = make_session(master)
        try:
            summary = run_job(
                session, input, output, input_format=input_format.value, output_format=output_format.value,
                errors=errors, rules_dir=rules, partitions=partitions, overwrite=overwrite,
                published_at=parse_iso_date(published_at) if published_at else None,
                keep_errors=0 if errors is not None else _SHOWN_ERRORS,
            )
        finally:
            if created:
                session.stop()
    except (PySparkException, Py4JError) as exc:
        raise failure(f"the Spark job failed: {str(exc).strip().splitlines()[0] if str(exc).strip() else exc!r}")
    for error in summary.first_errors:
        typer.echo(f"error: {error.article_id} ({error.source}): {error.stage}: {error.reason}", err=True)
    if summary.failures > len(summary.first_errors):
        typer.echo(f"… {summary.failures - len(summary.first_errors)} more failed; --errors FOLDER keeps them all", err=True)
    typer.echo(f"spark: {summary.line()}", err=True)
    raise typer.Exit(summary.exit_code)


def _is_local(path: str) -> bool:
    """A plain path on this machine, as opposed to a URI (hdfs://, s3a://) only Spark can check."""
    return "://" not in path and not path.startswith("file:")


@app.command()
def normalize(
    source: str = typer.Argument(..., help="A text file (UTF-8, GBK or Big5), or - for stdin."),
    rules: Optional[Path] = typer.Option(None, "--rules", help="A folder of rule files overlaid on the shipped rules."),
    converter: Optional[str] = typer.Option(
        None, "--converter", help="t2s converter: opencc-pyo3 (default) or opencc-python-reimplemented."),
    suspects: bool = typer.Option(False, "--suspects", help="List text lost as '?' on stderr, with offsets."),
) -> None:
    """Print an article as the extractor reads it: repaired, in simplified script.

    Exit 0 on success, 1 when the input cannot be read or decoded, 2 for a usage error.
    """
    from extractor.normalize.convert import ConverterError
    from extractor.ingest.decoding import DecodeError, decode_bytes
    from extractor.normalize.normalizer import Normalizer
    from extractor.rulebook.loader import RuleFileError

    try:
        data = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
        text = decode_bytes(data).text
    except (OSError, DecodeError) as exc:
        typer.echo(f"Error: cannot read {source}: {exc}", err=True)
        raise typer.Exit(1)
    try:
        normalizer = Normalizer(rules_dir=rules, converter=converter)
    except (ConverterError, RuleFileError) as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(2)
    result = normalizer.normalize(text)
    sys.stdout.write(result.text if result.text.endswith("\n") or not result.text else result.text + "\n")
    if suspects:
        for start, end in result.suspect_spans:
            s_start, s_end = result.source_span(start, end)
            typer.echo(f"suspect {start}-{end} (original {s_start}-{s_end}): {result.text[start:end]}", err=True)


@app.command()
def review(
    more_articles: Optional[list[str]] = typer.Argument(
        None, metavar="[INPUT]...", help="More article inputs, as after --articles.", show_default=False),
    db: Optional[str] = typer.Option(
        None, "--db", help="Review the events loaded in this database (the default when --events is not given): "
                           "a SQLite file path, sqlite:///path or postgresql://…  [default: departures.db]"),
    events: Optional[Path] = typer.Option(
        None, "--events", help="Review the events of this JSON Lines file; judgments are kept next to it, "
                               "in EVENTS.judgments.jsonl."),
    articles: Optional[list[str]] = typer.Option(
        None, "--articles", help="The articles the events were extracted from (files, folders, .jsonl batches), "
                                 "to show their text.", show_default=False),
    gold: Optional[Path] = typer.Option(
        None, "--gold", help="Gold JSON Lines: show scores, matches, misses and false alarms per article."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (loopback unless given)."),
    port: int = typer.Option(8765, "--port", min=0, max=65535, help="Port to listen on; 0 picks a free one."),
    export_gold: Optional[Path] = typer.Option(
        None, "--export-gold", help="Write the judgments as gold JSON Lines (SPEC section 3) to this file and exit."),
) -> None:
    """Review events on their articles in a local web page: evidence marked in the text, the rule behind
    each value, the gold's verdict; accept, reject or correct events and mark missed ones.

    Judgments are kept next to the events file (or in the database); --export-gold turns them into gold
    that `departures evaluate` reads. Exit 0 when stopped with Ctrl-C, 1 when the server cannot start,
    2 for a usage error or an unreadable input.
    """
    from .db import DatabaseError, DatabaseUrlError
    from extractor.evaluation.evaluate import EvaluationInputError
    from .review import EventsFileError, JudgmentFileError, export_gold as write_gold, load_corpus, open_store
    from .review.store import unjudged_events

    if events is not None and db is not None:
        raise usage_error("give --events or --db, not both")
    if events is not None and not events.is_file():
        raise usage_error(f"no events file at {events}")
    if gold is not None and not gold.is_file():
        raise usage_error(f"no gold file at {gold}")
    inputs = [*(articles or []), *(more_articles or [])]
    if "-" in inputs:
        raise usage_error("the review reads articles from files and folders, not from stdin (-)")
    check_inputs(inputs, None, None)
    try:
        if export_gold is not None:
            store = open_store(events, db)
            left_out = unjudged_events(load_corpus(events_path=events, db_url=db).events, store.all())
            summary = write_gold(store, export_gold)
            typer.echo(f"review: {summary.line(str(export_gold))}", err=True)
            if not summary.articles:
                typer.echo(f"warning: no judgments in {store.location} yet: the gold file is empty", err=True)
            if left_out:
                typer.echo(f"warning: {left_out} event(s) of the exported articles are not judged yet "
                           "and are left out of the gold", err=True)
            return
        try:
            from .review.app import allowed_hosts, make_app
            from .review.server import bind, serve
        except ImportError as exc:
            raise failure(f"the review page needs the review extra: pip install "
                          f"'departures-extractor[review]' ({exc})")
        corpus = load_corpus(events_path=events, db_url=db, article_inputs=inputs, gold_path=gold)
        store = open_store(events, db)
    except (EventsFileError, EvaluationInputError, JudgmentFileError, DatabaseUrlError) as exc:
        raise usage_error(str(exc))
    except DatabaseError as exc:
        raise failure(str(exc))
    except OSError as exc:
        raise failure(f"cannot write {exc.filename or export_gold}: {exc.strerror or exc}")
    for record in corpus.unreadable:
        typer.echo(f"warning: {record.source or record.article_id}: {record.stage}: {record.reason}", err=True)
    try:
        sock = bind(host, port)
    except OSError as exc:
        raise failure(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
    if host not in ("127.0.0.1", "localhost", "::1"):
        typer.echo(f"warning: listening on {host}: whoever reaches this address can read the articles and judge",
                   err=True)
    serve(make_app(corpus, store, hosts=allowed_hosts(host)), sock, ready=lambda url: typer.echo(
        f"review: {url} ({sum(map(len, corpus.events.values()))} events; judgments in {store.location}; "
        "Ctrl-C stops)", err=True))


def _silence_stdout() -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # not a real file descriptor (e.g. under a test runner): nothing left to flush


def main() -> None:  # pragma: no cover - console entry point
    app()
