"""Departure extraction as a Spark job: the same articles give the same events, event ids and error
records as `departures extract`, on as many executors as the cluster has.

Takes a DataFrame of articles (columns id, title, text, published_at, url; `source` optional), or
what `read_articles` makes of JSON Lines, Parquet or a folder of .txt files. Gives an `Extraction`:
`events` (EVENT_SCHEMA, one row per event with the SPEC's fields as columns), `event_lines` (each
event's SPEC JSON line, byte for byte what the CLI writes), and `errors` / `error_lines` (the CLI's
error records). Records are checked and extracted by the CLI's own functions (`read_line`,
`article_from_record`, `document_article`, `process_items`), and each Python worker builds the
pipeline once (`get_pipeline`) and keeps it for every task it runs.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import sys
import tempfile
import time
import types
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import pyarrow as pa
from pydantic import BaseModel
from pyspark import SparkFiles, StorageLevel, TaskContext
from pyspark.sql import Column, DataFrame, SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql.types import (
    ArrayType, BooleanType, DataType, DoubleType, LongType, StringType, StructField, StructType,
)

# absolute imports: spark-submit runs this file as a script (see the end of it)
from extractor.ingest.inputs import DEFAULT_MAX_BYTES, document_article
from extractor.ingest.jsonl_input import article_from_record, read_line
from extractor.models import Article, DepartureEvent, ErrorRecord
from extractor.pipeline import get_pipeline
from extractor.batch.workers import process_items

__all__ = [
    "ERROR_SCHEMA", "EVENT_SCHEMA", "INPUT_FORMATS", "OUTCOME_SCHEMA", "OUTPUT_FORMATS",
    "Extraction", "JobSummary", "extract", "make_session", "read_articles", "run_job", "ship_rules",
]

INPUT_FORMATS = ("jsonl", "parquet", "text")
OUTPUT_FORMATS = ("jsonl", "parquet")
ARTICLE_COLUMNS = ("id", "title", "text", "published_at", "url")

# Default tasks per core for `run_job`: extracting a record costs about a thousand times reading it,
# so evening the work out across cores (a 5 MB file is read as a 4.5 MB and a 0.5 MB split) is
# worth a shuffle of the input, and the later tasks fill cores that the early ones left idle.
TASKS_PER_CORE = 4
# Articles per Arrow batch handed back to Spark: results stream out while a partition runs, and a
# batch costs nothing next to extracting 64 articles (about 10 ms each).
OUTPUT_BATCH = 64


def spark_schema(model: type[BaseModel]) -> StructType:
    """The Spark type of a pydantic model's JSON form (aliases as names), so that the event and
    error models stay the one definition of both the JSON Lines and the table columns."""
    return StructType([
        StructField(info.alias or name, _spark_type(info.annotation), nullable=True)
        for name, info in model.model_fields.items()
    ])


def _spark_type(annotation: Any) -> DataType:
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        (inner,) = [arg for arg in get_args(annotation) if arg is not type(None)]
        return _spark_type(inner)
    if origin is Literal:
        return StringType()
    if origin is list:
        return ArrayType(_spark_type(get_args(annotation)[0]), containsNull=True)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return spark_schema(annotation)
    scalars: dict[Any, DataType] = {str: StringType(), int: LongType(), float: DoubleType(), bool: BooleanType()}
    if annotation in scalars:
        return scalars[annotation]
    raise TypeError(f"no Spark type for {annotation!r}")


#: One row per event: the SPEC's fields (and the extractor's additions) as columns, `from` included.
EVENT_SCHEMA: StructType = spark_schema(DepartureEvent)
#: One row per failed article or broken record: article_id, source, stage, reason.
ERROR_SCHEMA: StructType = spark_schema(ErrorRecord)
#: One row per input record: its article id, its events as SPEC JSON lines, its error record as a JSON line.
OUTCOME_SCHEMA = StructType([
    StructField("article_id", StringType()),
    StructField("events", ArrayType(StringType(), containsNull=False)),
    StructField("error", StringType()),
])
_ARROW_OUTCOME = pa.schema([
    ("article_id", pa.string()), ("events", pa.list_(pa.field("item", pa.string(), nullable=False))),
    ("error", pa.string()),
])


# --- on the driver ------------------------------------------------------------------------------

def make_session(master: str | None = None, app_name: str = "departures", conf: dict[str, str] | None = None) -> SparkSession:
    """The active Spark session, or a new one on `master` (None: spark-submit's, else local[*]).

    Python workers started on this machine run this interpreter (PYSPARK_PYTHON, when unset), so
    they import the same installed extractor; under spark-submit, or on a remote master, its own
    settings (spark.pyspark.python, a shipped environment) decide.
    """
    launched_by_spark = "PYSPARK_GATEWAY_PORT" in os.environ
    if not launched_by_spark and (master is None or master.startswith("local")):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app_name)
    if master is not None:
        builder = builder.master(master)
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def ship_rules(spark: SparkSession, rules_dir: str | os.PathLike[str]) -> str:
    """Send a rules folder to every executor with the job's files; return the name executors find
    it under (`SparkFiles.get(name)`).

    Spark only ships a local folder to a cluster as an archive, so a local folder is zipped first,
    named by a digest of its files: the same rules give the same name (shipping twice is harmless)
    and changed rules a new one. A folder on a shared file system (hdfs://, s3a://) is sent as is.
    """
    location = os.fspath(rules_dir)
    if "://" in location:
        spark.sparkContext.addFile(location, recursive=True)
        return location.rstrip("/").rsplit("/", 1)[-1]
    archive = _rules_archive(Path(location.removeprefix("file:")).resolve())
    spark.sparkContext.addArchive(str(archive))
    return archive.name


def _rules_archive(folder: Path) -> Path:
    files = sorted(path for path in folder.rglob("*") if path.is_file())
    digest = hashlib.sha1()
    for path in files:
        digest.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    archive = Path(tempfile.gettempdir()) / "departures-rules" / f"rules-{digest.hexdigest()[:16]}.zip"
    if not archive.exists():
        archive.parent.mkdir(parents=True, exist_ok=True)
        partial = archive.with_suffix(f".{os.getpid()}.partial")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as bundle:
            for path in files:
                bundle.write(path, path.relative_to(folder).as_posix())
        os.replace(partial, archive)  # another job building the same archive must never see half of it
    return archive


def read_articles(spark: SparkSession, path: str | Sequence[str], input_format: str = "jsonl") -> DataFrame:
    """Articles at `path` (a file, a folder or a glob; any file system Spark reads) as a DataFrame
    `extract` takes, each record keeping where it came from.

    - jsonl: JSON Lines in UTF-8, one row per line (value, source, line_number), line numbers
      counted per file as the CLI counts them; the records are checked on the executors;
    - parquet: the article columns, plus source and line_number (the row in its file);
    - text: every .txt file under the folder(s), recursively (path, content).
    """
    paths = [path] if isinstance(path, str) else list(path)
    if input_format == "jsonl":
        return _numbered_lines(spark, paths)
    if input_format == "parquet":
        table = spark.read.parquet(*paths)
        return table.select(
            "*", F.col("_metadata.file_path").alias("source"),
            (F.col("_metadata.row_index") + 1).alias("line_number"))
    if input_format == "text":
        return (spark.read.format("binaryFile").option("pathGlobFilter", "*.txt")
                .option("recursiveFileLookup", "true").load(paths).select("path", "content"))
    raise ValueError(f"unknown input format {input_format!r}: use one of {', '.join(INPUT_FORMATS)}")


def _numbered_lines(spark: SparkSession, paths: list[str]) -> DataFrame:
    """Lines with their number in their file. A file may be split across partitions, so each row
    gets a position in its split (monotonically_increasing_id is partition-major, rows in order)
    and each split the count of lines in the splits before it; only the small table of splits is
    aggregated and broadcast, the lines themselves are not shuffled."""
    # "\n" alone ends a line, as in the CLI: a stray "\r" stays inside the record it belongs to
    lines = spark.read.option("lineSep", "\n").text(paths).select(
        "value",
        F.col("_metadata.file_path").alias("source"),
        F.col("_metadata.file_block_start").alias("block"),
        F.monotonically_increasing_id().alias("row"),
    )
    splits = lines.groupBy("source", "block").agg(F.count(F.lit(1)).alias("lines"), F.min("row").alias("first"))
    earlier = Window.partitionBy("source").orderBy("block").rowsBetween(Window.unboundedPreceding, -1)
    splits = splits.select("source", "block", "first",
                           F.coalesce(F.sum("lines").over(earlier), F.lit(0)).alias("before"))
    return lines.join(F.broadcast(splits), ["source", "block"]).select(
        "value", "source", (F.col("before") + F.col("row") - F.col("first") + 1).alias("line_number"))


@dataclass(frozen=True)
class Extraction:
    """What `extract` gives: `outcomes`, one row per input record (OUTCOME_SCHEMA), and the views
    below, all computed from it. Each view is a separate Spark action over the same extraction:
    `persist()` it first when more than one is used, or every view extracts again."""

    outcomes: DataFrame

    @property
    def event_lines(self) -> DataFrame:
        """One row per event, column `value`: the SPEC JSON line `departures extract` writes."""
        return self.outcomes.select(F.explode("events").alias("value"))

    @property
    def events(self) -> DataFrame:
        """One row per event, EVENT_SCHEMA columns (nested: person, from, to, date, evidence, provenance)."""
        return self.event_lines.select(F.from_json("value", EVENT_SCHEMA).alias("event")).select("event.*")

    @property
    def error_lines(self) -> DataFrame:
        """One row per failed record, column `value`: the JSON line the CLI writes to --errors."""
        return self.outcomes.where(F.col("error").isNotNull()).select(F.col("error").alias("value"))

    @property
    def errors(self) -> DataFrame:
        """One row per failed record, ERROR_SCHEMA columns: article_id, source, stage, reason."""
        return self.error_lines.select(F.from_json("value", ERROR_SCHEMA).alias("error")).select("error.*")

    def counts(self) -> tuple[int, int, int]:
        """(records, events, failed records): one more pass unless persisted."""
        row = self.outcomes.agg(
            F.count(F.lit(1)).alias("records"),
            F.coalesce(F.sum(F.size("events")), F.lit(0)).alias("events"),
            F.count("error").alias("failures"),
        ).first()
        return int(row["records"]), int(row["events"]), int(row["failures"])

    def persist(self, level: StorageLevel = StorageLevel.MEMORY_AND_DISK) -> Extraction:
        self.outcomes.persist(level)
        return self

    def unpersist(self) -> None:
        self.outcomes.unpersist()


def extract(
    articles: DataFrame,
    *,
    rules_dir: str | os.PathLike[str] | None = None,
    published_at: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Extraction:
    """Extract departure events from a DataFrame of articles, lazily (nothing runs until an action).

    `articles` holds either article records, columns id, title, text, published_at, url (only id
    and text are required; published_at may be a string, a date or a timestamp; other columns are
    ignored; an optional `source` column, with `line_number`, names where each came from), or the
    raw rows `read_articles` gives for JSON Lines or .txt files. Each record goes through the same
    checks as in `departures extract`: a broken one (no id, no text, not a JSON object) becomes an
    error record and the job goes on. `rules_dir` (a local folder or a URI) is shipped to the
    executors and overlaid on the rules packaged with the extractor; `published_at` dates the
    articles that give no date; JSON lines and files over `max_bytes` are errors, as with --max-mb.

    Unlike `departures extract`, articles are not deduplicated: a crawl that repeats ids can be
    cleaned first with `articles.dropDuplicates(["id", "text"])`.
    """
    kind, prepared = _prepare(articles)
    rules = ship_rules(articles.sparkSession, rules_dir) if rules_dir is not None else None
    run = partial(_extract_batches, kind=kind, rules=rules, published_at=published_at, max_bytes=max_bytes)
    return Extraction(prepared.mapInArrow(run, OUTCOME_SCHEMA))


def _prepare(articles: DataFrame) -> tuple[str, DataFrame]:
    """Which kind of rows `articles` holds, and only the columns the executors need."""
    columns = set(articles.columns)
    if "content" in columns and "path" in columns:
        return "documents", articles.select("path", "content")
    if "value" in columns and "text" not in columns:
        missing = {"source", "line_number"} - columns
        if missing:
            raise ValueError(f"JSON Lines rows need the columns value, source and line_number (missing "
                             f"{', '.join(sorted(missing))}): read them with read_articles(spark, path, 'jsonl')")
        return "lines", articles.select("value", "source", "line_number")
    missing = {"id", "text"} - columns
    if missing:
        raise ValueError(f"the articles have no {' or '.join(sorted(missing))} column; expected the columns "
                         f"{', '.join(ARTICLE_COLUMNS)} (or rows made by read_articles)")
    wanted = [*ARTICLE_COLUMNS, "source", "line_number"]
    return "records", articles.select(*[_column(articles, name) for name in wanted])


def _column(articles: DataFrame, name: str) -> Column:
    if name in articles.columns:
        return F.col(name)
    return F.lit(None).cast(LongType() if name == "line_number" else StringType()).alias(name)


@dataclass
class JobSummary:
    """What `run_job` did, for the command line's summary and exit code."""

    articles: int = 0  # records read, broken ones included
    events: int = 0
    failures: int = 0
    seconds: float = 0.0
    first_errors: list[ErrorRecord] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.failures else 0

    def line(self) -> str:
        return f"{self.articles} articles, {self.events} events, {self.failures} failed, {self.seconds:.1f} s"


def run_job(
    spark: SparkSession,
    inputs: str | Sequence[str],
    output: str,
    *,
    input_format: str = "jsonl",
    output_format: str = "jsonl",
    errors: str | None = None,
    rules_dir: str | os.PathLike[str] | None = None,
    partitions: int | None = None,
    published_at: str | None = None,
    overwrite: bool = False,
    keep_errors: int = 0,
) -> JobSummary:
    """`departures spark`: read, extract, and write events (and errors, when `errors` is given)
    as JSON Lines or Parquet part files. The extraction runs once: its outcomes are persisted
    while the outputs are written and counted. `partitions` spreads the records over that many
    tasks first (default: the input's splits, or TASKS_PER_CORE tasks per core when there are
    fewer); `keep_errors` error records are kept in the summary for the caller to show."""
    if output_format not in OUTPUT_FORMATS:
        raise ValueError(f"unknown output format {output_format!r}: use one of {', '.join(OUTPUT_FORMATS)}")
    started = time.monotonic()
    articles = read_articles(spark, inputs, input_format)
    if partitions is None:
        wanted = TASKS_PER_CORE * spark.sparkContext.defaultParallelism
        partitions = wanted if articles.rdd.getNumPartitions() < wanted else None
    if partitions is not None:
        articles = articles.repartition(partitions)
    result = extract(articles, rules_dir=rules_dir, published_at=published_at).persist()
    mode = "overwrite" if overwrite else "errorifexists"
    try:
        if output_format == "jsonl":
            result.event_lines.write.mode(mode).text(output)
        else:
            result.events.write.mode(mode).parquet(output)
        if errors is not None:
            if output_format == "jsonl":
                result.error_lines.write.mode(mode).text(errors)
            else:
                result.errors.write.mode(mode).parquet(errors)
        articles_read, events, failures = result.counts()
        shown = result.error_lines.limit(keep_errors).collect() if keep_errors and failures else []
    finally:
        result.unpersist()
    return JobSummary(
        articles=articles_read, events=events, failures=failures, seconds=time.monotonic() - started,
        first_errors=[ErrorRecord.model_validate_json(row["value"]) for row in shown],
    )


# --- on the executors ---------------------------------------------------------------------------

def _extract_batches(
    batches: Iterable[pa.RecordBatch], *, kind: str, rules: str | None, published_at: str | None, max_bytes: int
) -> Iterator[pa.RecordBatch]:
    """mapInArrow's function: Arrow batches of input rows in, batches of OUTCOME rows out."""
    # get_pipeline keeps one pipeline per process and rules folder; Spark reuses its Python
    # workers across tasks, so a worker builds it on its first task only
    pipeline = get_pipeline(Path(SparkFiles.get(rules)) if rules else None)
    rows = (row for batch in batches for row in batch.to_pylist())
    out: dict[str, list[Any]] = {"article_id": [], "events": [], "error": []}
    for outcome in process_items(pipeline, _items(rows, kind, published_at, max_bytes)):
        out["article_id"].append(outcome.article_id)
        out["events"].append(outcome.lines)
        # the line the CLI writes to --errors (batch._record)
        out["error"].append(None if outcome.error is None
                            else json.dumps(outcome.error.model_dump(mode="json"), ensure_ascii=False))
        if len(out["article_id"]) == OUTPUT_BATCH:
            yield pa.RecordBatch.from_pydict(out, schema=_ARROW_OUTCOME)
            out = {name: [] for name in out}
    if out["article_id"]:
        yield pa.RecordBatch.from_pydict(out, schema=_ARROW_OUTCOME)


def _items(rows: Iterable[dict[str, Any]], kind: str, published_at: str | None, max_bytes: int) -> Iterator[Article | ErrorRecord]:
    """Input rows as the CLI's Articles and ErrorRecords; blank JSON lines are skipped, as there."""
    for index, row in enumerate(rows):
        if kind == "lines":
            number, raw = row["line_number"], row["value"]
            # a character is at most 4 bytes in UTF-8: most lines are measured without encoding them
            oversized = len(raw) * 4 > max_bytes and len(raw.encode("utf-8")) > max_bytes
            # Spark drops the newline the CLI's reader keeps; put it back so that a broken line is
            # described alike (a string cut at the end of a line is an "invalid control character")
            item = read_line(raw + "\n", oversized, f"{row['source']}:{number}", number, max_bytes, published_at)
            if item is not None:
                yield item
        elif kind == "documents":
            yield document_article(row["path"], row["content"], max_bytes, published_at)
        else:
            yield _record_article(row, index, published_at)


def _record_article(row: dict[str, Any], index: int, published_at: str | None) -> Article | ErrorRecord:
    record = {name: row[name] for name in ARTICLE_COLUMNS}
    if isinstance(record["published_at"], (_dt.date, _dt.datetime)):
        record["published_at"] = record["published_at"].isoformat()  # a table's date column
    source, number = row["source"], row["line_number"]
    if source and number is not None:
        where, label = f"{source}:{number}", f"row {number}"
    elif source:
        where, label = source, "record"
    else:
        context = TaskContext.get()
        partition = context.partitionId() if context is not None else 0
        where, label = f"partition {partition} row {index + 1}", "record"
    return article_from_record(record, where, label, published_at)


if __name__ == "__main__":
    # `spark-submit [options] …/extractor/spark_job.py INPUT OUTPUT [departures spark options]`:
    # spark-submit only runs .py files, so this file stands in for the `departures spark` command.
    from extractor.cli import app

    app(["spark", *sys.argv[1:]], prog_name="spark_job.py")
