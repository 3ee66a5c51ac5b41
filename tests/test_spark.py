"""`departures spark` and `extractor.spark_job` on a local Spark (local[2]): the same events, byte for
byte, as `departures extract` on the same articles, in JSON Lines and Parquet; broken records in the
errors dataset with the CLI's error records; rules shipped to the executors.

The expected output is what `departures extract` gives at test time, so these tests hold whatever
the rules extract. One Spark session serves every test (starting one takes seconds)."""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bench.corpus import parse_size, write_corpus_file
from extractor.cli import app
from extractor.models import DepartureEvent, ErrorRecord

pytestmark = pytest.mark.spark

HAS_PYSPARK = importlib.util.find_spec("pyspark") is not None
HAS_JAVA = shutil.which("java") is not None

# A rules overlay that changes what the seeds give: sentences naming 阿里 read as denials.
OVERLAY = "suppressors:\n  denial: [阿里]\n"


@pytest.fixture(scope="session")
def spark_session():
    if not HAS_PYSPARK:
        pytest.skip("pyspark is not installed: pip install -e '.[spark]'")
    if not HAS_JAVA:
        pytest.skip("no java on PATH: Spark needs Java 17 or later")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from extractor.spark_job import make_session

    session = make_session("local[2]", "departures-tests", conf={
        "spark.ui.enabled": "false",
        "spark.sql.shuffle.partitions": "4",  # the only shuffle (line numbering) aggregates a few rows
    })
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def cli_extract(inputs: list[Path], folder: Path, *extra: str) -> tuple[list[str], list[dict]]:
    """Event lines and error records of `departures extract` on `inputs`."""
    folder.mkdir(parents=True, exist_ok=True)
    events, errors = folder / "events.jsonl", folder / "errors.jsonl"
    result = invoke("extract", *map(str, inputs), "-o", str(events), "--errors", str(errors),
                    "--workers", "1", "--quiet", *extra)
    assert result.exit_code in (0, 1), result.output
    lines = events.read_text(encoding="utf-8").splitlines()
    return lines, [json.loads(line) for line in errors.read_text(encoding="utf-8").splitlines()]


def spark_run(input_path: Path | str, output: Path, *extra: str, expect_exit: int = 0):
    result = invoke("spark", str(input_path), str(output), "--master", "local[2]", *extra)
    assert result.exit_code == expect_exit, result.output + repr(result.exception)
    return result


def part_lines(folder: Path) -> list[str]:
    """Every line of a JSON Lines output folder's part files, as written (bytes decoded, no newline)."""
    data = b"".join(part.read_bytes() for part in sorted(folder.glob("part-*")))
    assert data == b"" or data.endswith(b"\n")
    return data.decode("utf-8").splitlines()


def parquet_records(spark, folder: Path) -> list[dict]:
    return [row.asDict(recursive=True) for row in spark.read.parquet(str(folder)).collect()]


def canonical(records: list[dict]) -> list[str]:
    return sorted(json.dumps(record, ensure_ascii=False, sort_keys=True) for record in records)


def spark_errors(folder: Path, output_format: str, spark) -> list[dict]:
    """Error records as the CLI would name them: Spark names local files file:/abs/path."""
    records = ([json.loads(line) for line in part_lines(folder)] if output_format == "jsonl"
               else parquet_records(spark, folder))
    for record in records:
        for key in ("article_id", "source"):
            if record[key] and record[key].startswith("file:"):
                record[key] = record[key][len("file:"):]
    return records


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "dense.jsonl"
    write_corpus_file(path, "dense", parse_size("200KB"), seed=1)
    return path


@pytest.fixture(scope="session")
def expected(tmp_path_factory, seeds_dir: Path, corpus: Path) -> dict[str, tuple[Path, list[str]]]:
    """Input file and `departures extract`'s event lines, for the seeds and the generated corpus."""
    out = {}
    for name, path in (("seeds", seeds_dir / "seeds.jsonl"), ("corpus", corpus)):
        lines, errors = cli_extract([path], tmp_path_factory.mktemp(f"cli-{name}"))
        assert lines and not errors
        out[name] = (path, lines)
    return out


@pytest.mark.parametrize("output_format", ["jsonl", "parquet"])
@pytest.mark.parametrize("name", ["seeds", "corpus"])
def test_same_events_as_extract(spark_session, expected, tmp_path: Path, name: str, output_format: str) -> None:
    source, cli_lines = expected[name]
    result = spark_run(source, tmp_path / "events", "--output-format", output_format, "--errors", str(tmp_path / "errors"))
    assert " 0 failed" in result.output
    if output_format == "jsonl":
        assert sorted(part_lines(tmp_path / "events")) == sorted(cli_lines)  # byte-identical lines
        assert part_lines(tmp_path / "errors") == []
    else:
        records = parquet_records(spark_session, tmp_path / "events")
        assert canonical(records) == canonical([json.loads(line) for line in cli_lines])
        columns = spark_session.read.parquet(str(tmp_path / "events")).columns
        assert columns == list(DepartureEvent.model_json_schema(by_alias=True)["properties"])
    ids = [json.loads(line)["event_id"] for line in cli_lines]
    assert all(ids) and len(set(ids)) == len(ids)


@pytest.mark.parametrize("output_format", ["jsonl", "parquet"])
def test_broken_records_land_in_errors(spark_session, seeds_dir: Path, tmp_path: Path, output_format: str) -> None:
    seeds = (seeds_dir / "seeds.jsonl").read_text(encoding="utf-8").splitlines()
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join([
        seeds[0],
        "[1, 2]",
        '{"id": "no-text", "title": "t"}',
        '{"id": "cut", "text": "未完',
        "",
        '{"id": "blank", "text": "   "}',
        seeds[1],
    ]) + "\n", encoding="utf-8")
    cli_lines, cli_errors = cli_extract([batch.resolve()], tmp_path / "cli")
    assert len(cli_errors) == 4

    result = spark_run(batch, tmp_path / "events", "--output-format", output_format,
                       "--errors", str(tmp_path / "errors"), expect_exit=1)
    assert "7 articles" not in result.output and "6 articles" in result.output  # the blank line is not one
    assert "4 failed" in result.output
    assert canonical(spark_errors(tmp_path / "errors", output_format, spark_session)) == canonical(cli_errors)
    if output_format == "jsonl":
        assert sorted(part_lines(tmp_path / "events")) == sorted(cli_lines)
    else:
        records = parquet_records(spark_session, tmp_path / "events")
        assert canonical(records) == canonical([json.loads(line) for line in cli_lines])


def test_errors_on_stderr_without_errors_folder(spark_session, tmp_path: Path) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_text('{"id": "a"}\n', encoding="utf-8")
    result = spark_run(batch, tmp_path / "events", expect_exit=1)
    assert 'error: a (' in result.output and 'parse: line 1: the record has no "text" string' in result.output


def test_text_folder(spark_session, seeds_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    (folder / "more").mkdir(parents=True)
    texts = sorted(seeds_dir.glob("*.txt"))
    for text in texts[:-1]:
        shutil.copy(text, folder / text.name)
    shutil.copy(texts[-1], folder / "more" / texts[-1].name)  # folders are read recursively
    (folder / "headline-only.txt").write_text("只有标题\n", encoding="utf-8")
    (folder / "notes.md").write_text("not an article\n", encoding="utf-8")
    cli_lines, cli_errors = cli_extract([folder.resolve()], tmp_path / "cli")
    assert cli_lines and [e["article_id"] for e in cli_errors] == ["headline-only"]

    result = spark_run(folder, tmp_path / "events", "--input-format", "text", "--errors", str(tmp_path / "errors"),
                       expect_exit=1)
    assert f"{len(texts) + 1} articles" in result.output
    assert sorted(part_lines(tmp_path / "events")) == sorted(cli_lines)
    assert spark_errors(tmp_path / "errors", "jsonl", spark_session) == cli_errors


def test_parquet_input(spark_session, expected, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    source, cli_lines = expected["seeds"]
    records = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines()]
    rows = [{key: record.get(key) for key in ("id", "title", "text", "published_at", "url")} for record in records]
    rows.append({"id": "no-text", "title": "t", "text": None, "published_at": None, "url": None})
    table = tmp_path / "articles.parquet"
    pq.write_table(pa.Table.from_pylist(rows), table)

    spark_run(table, tmp_path / "events", "--input-format", "parquet", "--errors", str(tmp_path / "errors"),
              expect_exit=1)
    assert sorted(part_lines(tmp_path / "events")) == sorted(cli_lines)
    (error,) = spark_errors(tmp_path / "errors", "jsonl", spark_session)
    assert error["article_id"] == "no-text" and error["source"] == f"{table}:{len(rows)}"
    assert error["reason"] == f'row {len(rows)}: the record has no "text" string'


def test_rules_travel_with_the_job(spark_session, expected, tmp_path: Path) -> None:
    rules = tmp_path / "my-rules"
    rules.mkdir()
    (rules / "triggers.yaml").write_text(OVERLAY, encoding="utf-8")
    source, default_lines = expected["seeds"]
    cli_lines, _ = cli_extract([source], tmp_path / "cli", "--rules", str(rules))
    assert sorted(cli_lines) != sorted(default_lines)  # the overlay matters

    spark_run(source, tmp_path / "events", "--rules", str(rules))
    assert sorted(part_lines(tmp_path / "events")) == sorted(cli_lines)


def test_bad_rules_are_a_usage_error(spark_session, seeds_dir: Path, tmp_path: Path) -> None:
    rules = tmp_path / "bad-rules"
    rules.mkdir()
    (rules / "triggers.yaml").write_text("triggers: {not: [a list]}\n", encoding="utf-8")
    result = invoke("spark", str(seeds_dir / "seeds.jsonl"), str(tmp_path / "events"), "--rules", str(rules))
    assert result.exit_code == 2 and "triggers.yaml" in result.output
    assert not (tmp_path / "events").exists()


def test_python_api(spark_session, expected) -> None:
    from extractor.spark_job import EVENT_SCHEMA, extract

    source, cli_lines = expected["seeds"]
    records = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines()]
    articles = spark_session.createDataFrame(
        [(r["id"], r.get("title"), r["text"], r.get("published_at"), r.get("url"), "新闻源") for r in records],
        "id string, title string, text string, published_at string, url string, outlet string",
    ).repartition(3)
    result = extract(articles).persist()
    try:
        assert result.events.schema == EVENT_SCHEMA
        events = [row.asDict(recursive=True) for row in result.events.collect()]
        assert canonical(events) == canonical([json.loads(line) for line in cli_lines])
        assert sorted(row["value"] for row in result.event_lines.collect()) == sorted(cli_lines)
        assert result.errors.count() == 0
        assert result.counts() == (len(records), len(cli_lines), 0)
    finally:
        result.unpersist()


def test_api_records_without_source(spark_session) -> None:
    from extractor.spark_job import extract

    articles = spark_session.createDataFrame([("a", None), (None, "正文")], "id string, text string").coalesce(1)
    errors = [ErrorRecord(**row.asDict()) for row in extract(articles).errors.collect()]
    assert sorted((e.article_id, e.reason) for e in errors) == [
        ("a", 'record: the record has no "text" string'),
        ("partition 0 row 2", 'record: the record has no "id" (a non-empty string)'),
    ]


def test_line_numbers_count_across_splits(spark_session, corpus: Path) -> None:
    from extractor.spark_job import read_articles

    spark_session.conf.set("spark.sql.files.maxPartitionBytes", str(32 * 1024))
    try:
        lines = read_articles(spark_session, str(corpus))
        assert lines.rdd.getNumPartitions() > 3  # the file is read in several splits
        numbered = {row["line_number"]: row["value"] for row in lines.collect()}
    finally:
        spark_session.conf.unset("spark.sql.files.maxPartitionBytes")
    written = corpus.read_text(encoding="utf-8").splitlines()
    assert numbered == {number: line for number, line in enumerate(written, 1)}


def test_existing_output_is_a_usage_error(tmp_path: Path, seeds_dir: Path) -> None:
    if not HAS_PYSPARK:
        pytest.skip("pyspark is not installed: pip install -e '.[spark]'")
    if not HAS_JAVA:
        pytest.skip("no java on PATH: Spark needs Java 17 or later")
    (tmp_path / "events").mkdir()
    result = invoke("spark", str(seeds_dir / "seeds.jsonl"), str(tmp_path / "events"))
    assert result.exit_code == 2 and "--overwrite" in result.output


def test_missing_pyspark_is_a_usage_error(monkeypatch, seeds_dir: Path, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)  # makes `import pyspark` fail
    result = invoke("spark", str(seeds_dir / "seeds.jsonl"), str(tmp_path / "events"))
    assert result.exit_code == 2
    assert "install the spark extra: pip install 'departures-extractor[spark]'" in result.output
