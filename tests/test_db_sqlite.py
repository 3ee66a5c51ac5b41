"""Loading events into SQLite: idempotent upserts, updates, broken lines, hostile strings, export.

The tests take the database as the `db_url` fixture; test_db_postgres.py runs the same tests against a
real PostgreSQL server.
"""
from __future__ import annotations

import copy
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.db import (
    LATEST_VERSION,
    DatabaseError,
    DatabaseUrlError,
    connect,
    export_events,
    export_merged,
    load_events,
    migrate,
    parse_db_url,
)
from extractor.db.keys import stable_event_id

TABLES = ("articles", "organizations", "events", "event_names", "evidence", "people", "person_aliases",
          "departures", "departure_sources", "resolve_queue")


def event(article_id: str, name: str, org: str | None, *, event_id: str | None = None,
          aliases: list[str] | None = None, date: str | None = None, to_org: str | None = None,
          evidence: list[str] | None = None) -> dict[str, Any]:
    precision = {1: "year", 2: "month", 3: "day"}.get(len(date.split("-"))) if date else None
    document: dict[str, Any] = {
        "article_id": article_id,
        "person": {"name": name, "aliases": aliases or []},
        "from": {"organization": org},
        "to": {"organization": to_org},
        "date": {"text": date, "value": date, "precision": precision},
        "evidence": [{"text": t, "start": 10 * i, "end": 10 * i + len(t)} for i, t in enumerate(evidence or [])],
    }
    if event_id:
        document["event_id"] = event_id
    return document


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    lines = [row if isinstance(row, str) else json.dumps(row, ensure_ascii=False) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def row_counts(db_url: str) -> dict[str, int]:
    with connect(db_url) as db:
        return {table: db.query(f"SELECT COUNT(*) FROM {table}")[0][0] for table in TABLES}


SAMPLE = [
    event("a1", "薄列峰", "阿里巴巴", event_id="e1", date="2025-05", evidence=["薄列峰离职。", "他在阿里职级p10。"]),
    event("a1", "周畅", "阿里巴巴", event_id="e2", aliases=["钟煌"], date="2024-07", to_org="字节跳动"),
    event("a2", "薄列峰", "阿里巴巴", event_id="e3", date="2023-10", evidence=["薄列峰已经离职"]),
    event("a2", "梁军", "寒武纪", event_id="e4", date="2022-03-14"),
]


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return str(tmp_path / "departures.db")


def test_loading_the_same_file_twice_changes_nothing(db_url: str, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "events.jsonl", SAMPLE)
    first = load_events(path, db_url)
    counts = row_counts(db_url)
    second = load_events(path, db_url)

    assert (first.inserted, first.updated, first.unchanged) == (4, 0, 0)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 4)
    assert row_counts(db_url) == counts
    assert counts["events"] == 4 and counts["evidence"] == 3 and counts["departures"] == 3
    assert counts["resolve_queue"] == 0


def test_a_changed_event_replaces_the_old_one(db_url: str, tmp_path: Path) -> None:
    load_events(write_jsonl(tmp_path / "v1.jsonl", SAMPLE), db_url)
    changed = copy.deepcopy(SAMPLE[3])
    changed["date"] = {"text": "2022年1月", "value": "2022-01", "precision": "month"}
    changed["evidence"] = [{"text": "梁军于2022年1月离职", "start": 0, "end": 12}]
    # an events file holds all of an article's events: a2 again, one of them changed
    summary = load_events(write_jsonl(tmp_path / "v2.jsonl", [SAMPLE[2], changed]), db_url)

    assert (summary.inserted, summary.updated, summary.unchanged, summary.removed) == (0, 1, 1, 0)
    with connect(db_url) as db:
        assert db.query("SELECT date_value FROM events WHERE event_id = ?", ("e4",)) == [("2022-01",)]
        assert db.query("SELECT text FROM evidence WHERE event_id = ?", ("e4",)) == [("梁军于2022年1月离职",)]
        assert db.query("SELECT date_value, n_sources FROM departures WHERE person = ?", ("梁军",)) == [("2022-01", 1)]
    assert row_counts(db_url)["events"] == 4


def exports(db_url: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    with connect(db_url) as db:
        return list(export_events(db)), list(export_merged(db))


def test_reloading_an_article_without_one_event_deletes_it_and_remerges_its_departure(
    db_url: str, tmp_path: Path
) -> None:
    load_events(write_jsonl(tmp_path / "v1.jsonl", SAMPLE), db_url)
    before = row_counts(db_url)
    # a1 extracted again: e1 (薄列峰, two evidence sentences) is gone; e3 of a2 still tells that departure
    summary = load_events(write_jsonl(tmp_path / "v2.jsonl", [SAMPLE[1]]), db_url)

    assert (summary.unchanged, summary.removed) == (1, 1)
    after = row_counts(db_url)
    assert after["events"] == before["events"] - 1
    assert after["evidence"] == before["evidence"] - 2
    assert after["departures"] == before["departures"]
    with connect(db_url) as db:
        assert db.query("SELECT COUNT(*) FROM evidence WHERE event_id = ?", ("e1",)) == [(0,)]
        assert db.query("SELECT event_id FROM departure_sources d JOIN events e USING (event_id) "
                        "WHERE e.person_name = ?", ("薄列峰",)) == [("e3",)]
        assert db.query("SELECT date_value, n_sources, conflict FROM departures WHERE person = ?",
                        ("薄列峰",)) == [("2023-10", 1, False)]
    # the database now says what loading the latest extraction alone would say
    fresh = str(tmp_path / "fresh.db")
    load_events(write_jsonl(tmp_path / "latest.jsonl", [SAMPLE[1], SAMPLE[2], SAMPLE[3]]), fresh)
    assert exports(db_url) == exports(fresh)


def test_a_departure_only_a_deleted_event_supported_is_deleted(db_url: str, tmp_path: Path) -> None:
    rows = [
        event("b1", "张三", "华为", event_id="x1", evidence=["张三已从华为离职。"]),
        event("b1", "李四", "腾讯", event_id="x2", evidence=["李四离开腾讯。", "他曾任腾讯副总裁。"]),
        event("b2", "王五", "百度", event_id="x3"),
    ]
    load_events(write_jsonl(tmp_path / "v1.jsonl", rows), db_url)
    before = row_counts(db_url)
    summary = load_events(write_jsonl(tmp_path / "v2.jsonl", rows[:1]), db_url)

    assert summary.removed == 1 and summary.departures == 2
    after = row_counts(db_url)
    assert {t: before[t] - after[t] for t in ("events", "evidence", "departures", "people")} == {
        "events": 1, "evidence": 2, "departures": 1, "people": 1}
    assert after["resolve_queue"] == 0
    with connect(db_url) as db:
        assert db.query("SELECT COUNT(*) FROM person_aliases WHERE alias = ?", ("李四",)) == [(0,)]
        assert sorted(db.query("SELECT person FROM departures")) == [("张三",), ("王五",)]


def test_articles_extracted_again_with_no_event_are_cleared(db_url: str, tmp_path: Path) -> None:
    load_events(write_jsonl(tmp_path / "v1.jsonl", SAMPLE), db_url)
    # a2 (and an article never loaded) yield nothing now; a1 was not extracted again
    summary = load_events([], db_url, extracted_articles=["a2", "never-loaded"])

    assert summary.removed == 2
    fresh = str(tmp_path / "fresh.db")
    load_events(write_jsonl(tmp_path / "latest.jsonl", SAMPLE[:2]), fresh)
    assert exports(db_url) == exports(fresh)
    assert row_counts(db_url)["departures"] == 2


def test_an_article_is_never_split_across_batches(db_url: str, tmp_path: Path) -> None:
    rows = [event("a1", f"张{c}", "华为", event_id=f"z{c}") for c in "一二三"] + [event("a2", "李四", "腾讯")]
    path = write_jsonl(tmp_path / "events.jsonl", rows)
    first = load_events(path, db_url, batch_size=1)
    again = load_events(path, db_url, batch_size=1)

    assert (first.inserted, first.removed) == (4, 0)
    assert (again.unchanged, again.removed) == (4, 0)
    assert row_counts(db_url)["events"] == 4


def test_an_article_given_in_two_places_keeps_all_its_events(db_url: str, tmp_path: Path) -> None:
    rows = [event("a1", "张三", "华为", event_id="y1"), event("a2", "李四", "腾讯", event_id="y2"),
            event("a1", "王五", "百度", event_id="y3")]
    load_events(write_jsonl(tmp_path / "events.jsonl", rows), db_url, batch_size=1)
    load_events(write_jsonl(tmp_path / "events.jsonl", rows), db_url, batch_size=1)
    with connect(db_url) as db:
        assert sorted(db.query("SELECT event_id FROM events")) == [("y1",), ("y2",), ("y3",)]
        assert db.query("SELECT COUNT(*) FROM departures")[0][0] == 3


def test_an_event_without_id_gets_a_stable_one(db_url: str, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "events.jsonl", [event("a9", "陈亦伦", "华为", date="2022-07-13")])
    load_events(path, db_url)
    load_events(path, db_url)
    with connect(db_url) as db:
        assert db.query("SELECT event_id FROM events") == [(stable_event_id("a9", "陈亦伦", "华为"),)]
        (exported,) = list(export_events(db))
    assert exported["event_id"] == stable_event_id("a9", "陈亦伦", "华为")


def test_broken_lines_are_reported_by_number_and_the_rest_loads(db_url: str, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "events.jsonl", [
        SAMPLE[0],
        '{"article_id": "a1", "person": ',
        "",
        SAMPLE[1],
        json.dumps({"article_id": "a3", "person": {"name": "王刚"}, "certainty": "maybe"}),
        "[1, 2]",
        SAMPLE[2],
    ])
    summary = load_events(path, db_url)

    assert summary.events == 3
    assert [e.line for e in summary.errors] == [2, 5, 6]
    assert summary.errors[0].message.startswith("not valid JSON")
    assert "certainty" in summary.errors[1].message
    assert "JSON object" in summary.errors[2].message
    assert row_counts(db_url)["events"] == 3


def test_duplicate_ids_in_one_file_keep_the_last_and_batches_cover_everything(db_url: str, tmp_path: Path) -> None:
    first = event("a1", "张磊", "阿里巴巴", event_id="dup", date="2021")
    last = event("a1", "张磊", "阿里巴巴", event_id="dup", date="2021-12")
    rows = [first, *SAMPLE, last]
    summary = load_events(write_jsonl(tmp_path / "events.jsonl", rows), db_url, batch_size=2)

    assert summary.events == 6
    with connect(db_url) as db:
        assert db.query("SELECT date_value FROM events WHERE event_id = ?", ("dup",)) == [("2021-12",)]
        assert db.query("SELECT COUNT(*) FROM events")[0][0] == 5


HOSTILE = [
    "O'Brien",
    'say "hi"; DROP TABLE events; --',
    "'); DELETE FROM departures; --",
    "100% ? %s $1 \\ \\n",
    "Robert'); DROP TABLE people;--",
    "tab\there, newline\nthere, backslash \\. end",
]


def test_quotes_and_semicolons_round_trip_as_plain_values(db_url: str, tmp_path: Path) -> None:
    rows = [
        event(f"art'{i};", name, f"{name} Inc.", to_org=name, evidence=[name], event_id=f"id'{i}")
        for i, name in enumerate(HOSTILE)
    ]
    load_events(write_jsonl(tmp_path / "events.jsonl", rows), db_url)
    with connect(db_url) as db:
        exported = list(export_events(db))
        merged = list(export_merged(db))
    assert sorted(e["person"]["name"] for e in exported) == sorted(HOSTILE)
    assert sorted(e["evidence"][0]["text"] for e in exported) == sorted(HOSTILE)
    assert sorted(d["from"]["organization"] for d in merged) == sorted(f"{n} Inc." for n in HOSTILE)
    assert row_counts(db_url)["departures"] == len(HOSTILE)


def test_a_nul_character_is_refused_on_its_line(db_url: str, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "events.jsonl", [event("a1", "王\u0000刚", "阿里巴巴"), SAMPLE[0]])
    summary = load_events(path, db_url)
    assert [e.line for e in summary.errors] == [1]
    assert "NUL" in summary.errors[0].message
    assert summary.inserted == 1


def test_export_gives_back_the_loaded_events(db_url: str, tmp_path: Path) -> None:
    load_events(write_jsonl(tmp_path / "events.jsonl", SAMPLE), db_url)
    with connect(db_url) as db:
        exported = {e["event_id"]: e for e in export_events(db)}
    for original in SAMPLE:
        got = exported[original["event_id"]]
        assert got["person"] == original["person"]
        assert got["from"]["organization"] == original["from"]["organization"]
        assert got["date"] == original["date"]
        assert [e["text"] for e in got["evidence"]] == [e["text"] for e in original["evidence"]]


def test_an_iterable_of_events_loads_like_a_file(db_url: str) -> None:
    summary = load_events([json.dumps(SAMPLE[0]), SAMPLE[1]], db_url)
    assert (summary.events, summary.inserted) == (2, 2)


def test_the_schema_is_versioned_and_migrating_twice_is_a_no_op(db_url: str) -> None:
    with connect(db_url) as db:
        assert migrate(db) == LATEST_VERSION
        assert migrate(db) == 0
        assert db.query("SELECT version FROM schema_version ORDER BY version") == [
            (v,) for v in range(1, LATEST_VERSION + 1)
        ]


_names = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=30)


@settings(max_examples=25, deadline=None)
@given(name=_names.filter(str.strip), org=_names.filter(str.strip), text=_names)
def test_any_text_round_trips_and_two_articles_make_one_departure(name: str, org: str, text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db_url = str(Path(folder) / "d.db")
        load_events([event("a1", name, org, evidence=[text]), event("a2", name, org)], db_url)
        with connect(db_url) as db:
            exported = list(export_events(db))
            merged = list(export_merged(db))
    assert {e["person"]["name"] for e in exported} == {name}
    assert exported[0]["from"]["organization"] == org and exported[0]["evidence"][0]["text"] == text
    assert len(merged) == 1 and merged[0]["n_articles"] == 2


# -- SQLite only ------------------------------------------------------------------------------------


@pytest.mark.parametrize("url, dialect, location", [
    (None, "sqlite", "departures.db"),
    ("data/x.db", "sqlite", "data/x.db"),
    ("sqlite:///rel.db", "sqlite", "rel.db"),
    ("sqlite:////abs/x.db", "sqlite", "/abs/x.db"),
    ("postgresql://u@localhost/d", "postgresql", "postgresql://u@localhost/d"),
])
def test_database_urls(url: str | None, dialect: str, location: str) -> None:
    target = parse_db_url(url)
    assert (target.dialect, target.location) == (dialect, location)


@pytest.mark.parametrize("url", ["mysql://x/y", "sqlite://x.db"])
def test_unsupported_database_urls_are_refused(url: str) -> None:
    with pytest.raises(DatabaseUrlError):
        parse_db_url(url)


def test_a_password_is_not_shown_in_messages() -> None:
    assert "secret" not in parse_db_url("postgresql://me:secret@db.example/x").describe()


def test_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="does not exist"):
        load_events([], str(tmp_path / "nowhere" / "x.db"))


def test_the_loader_computes_the_same_event_id_as_the_extractor() -> None:
    from extractor.events.merge import event_id

    for args in [("002_7cb665f7f2a66f5a", "沈加翔", "阿里巴巴"), ("a", "Andrej Karpathy", None)]:
        assert stable_event_id(*args) == event_id(*args)
