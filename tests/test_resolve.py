"""Cross-article resolution: one departure per person and organization, with sources, date and conflicts."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from extractor.db import connect, export_merged, load_events, resolve_all
from extractor.db.keys import stable_event_id
from extractor.db.merge import SourceEvent, best_date, dates_agree, merge_sources
from test_db_sqlite import event, write_jsonl


def source(date: str | None = None, *, to_org: str | None = None, to_kind: str | None = None,
           article: str = "a", certainty: str = "confirmed") -> SourceEvent:
    return SourceEvent(
        event_id=f"{article}-{date}-{to_org}", article_id=article, person_name="某人", from_organization="阿里巴巴",
        from_unit=None, from_position=None, to_organization=to_org, to_position=None, to_kind=to_kind,
        date_text=date, date_value=date, date_precision=None, certainty=certainty, confidence=0.5,
    )


@pytest.mark.parametrize("a, b, agree", [
    ("2022", "2022-05", True),
    ("2022-05", "2022-05-13", True),
    ("2022-05", "2022-05", True),
    ("2022-05", "2022-06", False),
    ("2022-01", "2022-10", False),
    ("2022-05-13", "2022-05-14", False),
    ("2021", "2022-05", False),
])
def test_dates_agree_when_one_refines_the_other(a: str, b: str, agree: bool) -> None:
    assert dates_agree(a, b) is agree
    assert dates_agree(b, a) is agree


@pytest.mark.parametrize("dates, expected, conflict", [
    (["2022-05", "2022-05-13"], "2022-05-13", False),          # consistent: the most specific wins
    (["2022", "2022-05", "2022-05"], "2022-05", False),
    (["2022", "2022-05", "2022-06"], "2022", True),            # months disagree: only the year is agreed by all
    (["2023-03", "2023-03", "2023-01"], "2023-03", True),      # the majority wins, the disagreement is flagged
    (["2025-05", "2023-10"], "2025-05", True),
    ([None, "2024-07"], "2024-07", False),                      # a source without a date does not disagree
    ([None, None], None, False),
])
def test_best_date(dates: list[str | None], expected: str | None, conflict: bool) -> None:
    chosen, flagged = best_date([source(d, article=str(i)) for i, d in enumerate(dates)])
    assert (chosen.date_value if chosen else None) == expected
    assert flagged is conflict


def test_best_date_does_not_depend_on_source_order() -> None:
    dates = ["2025-05", "2023-10", "2024"]
    forward = best_date([source(d) for d in dates])
    backward = best_date([source(d) for d in reversed(dates)])
    assert forward[0].date_value == backward[0].date_value


def test_destination_majority_and_conflict() -> None:
    merged = merge_sources([
        source(to_org="字节跳动", to_kind="company", article="1"),
        source(to_org="字节 跳动", article="2"),
        source(to_kind="startup", article="3"),
    ])
    assert (merged.to_organization, merged.to_kind, merged.destination_conflict) == ("字节跳动", "company", False)

    split = merge_sources([source(to_org="字节跳动", article="1"), source(to_org="腾讯", article="2")])
    assert split.destination_conflict and split.conflict


def test_certainty_is_the_strongest_any_source_states() -> None:
    merged = merge_sources([source(certainty="rumored", article="1"), source(certainty="confirmed", article="2")])
    assert merged.certainty == "confirmed"
    assert merged.n_sources == 2 and merged.n_articles == 2


# -- in the database: articles that mimic the seeds -------------------------------------------------

ARTICLE_000 = [
    event("000", "薄列峰", "阿里巴巴", date="2025-05", evidence=["后脚就传出技术高管薄列峰离职的消息。"]),
    event("000", "周畅", "阿里巴巴", aliases=["钟煌"], date="2024-07", to_org="字节跳动",
          evidence=["阿里通义千问技术负责人周畅（花名钟煌）离职加入字节"]),
    event("000", "黄文灏", "零一万物", date="2024-08", to_org="字节跳动"),
]
ARTICLE_001 = [event("001", "薄列峰", "阿里巴巴", date="2023-10", evidence=["薄列峰已于10月离职"])]
ARTICLE_002 = [
    event("002", "王刚", "阿里巴巴", date="2022-01", evidence=["达摩院王刚离职"]),
    event("002", "金榕", "阿里巴巴", date="2022", evidence=["金榕离职"]),
    event("002", "杨红霞", "阿里巴巴", date="2022-09"),
    event("002", "马维英", "字节跳动", date="2020-07", to_org="清华大学智能产业研究院"),
]
ARTICLE_003 = [
    event("003", "王刚", "阿里巴巴 ", date="2022-01", evidence=["阿里达摩院前高管王刚已离职"]),  # stray space
    event("003", "金榕", "阿里巴巴", date="2022-05"),
    event("003", "杨红霞", "阿里巴巴", date="2022-09-15"),
    event("003", "王刚", "小鹏汽车"),  # the same name, another organization: another departure
]
ARTICLE_004 = [event("004", "钟煌", "阿里巴巴", to_org="字节跳动", evidence=["钟煌去了字节"])]
SEED_ARTICLES = [ARTICLE_000, ARTICLE_001, ARTICLE_002, ARTICLE_003, ARTICLE_004]


def merged_by_person(db_url: str) -> dict[tuple[str, str], dict[str, Any]]:
    with connect(db_url) as db:
        return {(d["person"]["name"], d["from"]["organization"]): d for d in export_merged(db)}


@pytest.fixture
def seeds_db(tmp_path: Path) -> str:
    db_url = str(tmp_path / "departures.db")
    for number, rows in enumerate(SEED_ARTICLES):
        load_events(write_jsonl(tmp_path / f"{number}.jsonl", rows), db_url)
    return db_url


@pytest.mark.parametrize("person, date, conflict", [
    ("薄列峰", "2025-05", True),      # 2025-05 and 2023-10 cannot both be true
    ("周畅", "2024-07", False),       # the second article gives no date
    ("王刚", "2022-01", False),
    ("金榕", "2022-05", False),       # 2022 and 2022-05 agree; the month is more specific
    ("杨红霞", "2022-09-15", False),
])
def test_each_person_reported_twice_is_one_departure_with_both_articles(
    seeds_db: str, person: str, date: str, conflict: bool
) -> None:
    departures = merged_by_person(seeds_db)
    departure = departures[(person, "阿里巴巴")]
    assert sum(1 for name, org in departures if name == person and org == "阿里巴巴") == 1
    assert departure["n_sources"] == 2 and departure["n_articles"] == 2
    assert len({s["article_id"] for s in departure["sources"]}) == 2
    assert departure["date"]["value"] == date
    assert departure["conflict"] is conflict
    assert departure["date_conflict"] is conflict


def test_an_alias_in_common_joins_two_names(seeds_db: str) -> None:
    departure = merged_by_person(seeds_db)[("周畅", "阿里巴巴")]
    assert departure["person"]["aliases"] == ["钟煌"]
    assert sorted(s["person"] for s in departure["sources"]) == ["周畅", "钟煌"]
    assert departure["to"]["organization"] == "字节跳动"
    evidence = [e["text"] for s in departure["sources"] for e in s["evidence"]]
    assert "钟煌去了字节" in evidence and len(evidence) == 2


def test_the_same_name_at_another_organization_stays_apart(seeds_db: str) -> None:
    departures = merged_by_person(seeds_db)
    assert departures[("王刚", "小鹏汽车")]["n_sources"] == 1
    assert len(departures) == 8


def test_loading_in_pieces_gives_what_loading_at_once_gives(seeds_db: str, tmp_path: Path) -> None:
    at_once = str(tmp_path / "at_once.db")
    all_rows = [row for rows in reversed(SEED_ARTICLES) for row in rows]
    load_events(write_jsonl(tmp_path / "all.jsonl", all_rows), at_once)
    assert merged_by_person(at_once) == merged_by_person(seeds_db)


def test_resolving_everything_again_changes_nothing(seeds_db: str) -> None:
    before = merged_by_person(seeds_db)
    with connect(seeds_db) as db:
        resolve_all(db)
    assert merged_by_person(seeds_db) == before


def test_an_updated_event_moves_between_departures(seeds_db: str, tmp_path: Path) -> None:
    # the same event id (as the first load computed it), now naming another organization
    moved = dict(ARTICLE_001[0], event_id=stable_event_id("001", "薄列峰", "阿里巴巴"))
    moved["from"] = {"organization": "腾讯"}
    load_events(write_jsonl(tmp_path / "moved.jsonl", [moved]), seeds_db)
    departures = merged_by_person(seeds_db)

    alibaba = departures[("薄列峰", "阿里巴巴")]
    assert (alibaba["n_sources"], alibaba["conflict"], alibaba["date"]["value"]) == (1, False, "2025-05")
    assert departures[("薄列峰", "腾讯")]["n_sources"] == 1


def test_removing_the_shared_alias_splits_the_person(seeds_db: str, tmp_path: Path) -> None:
    article = json.loads(json.dumps(ARTICLE_000))
    article[1]["person"]["aliases"] = []
    load_events(write_jsonl(tmp_path / "renamed.jsonl", article), seeds_db)
    departures = merged_by_person(seeds_db)
    assert departures[("周畅", "阿里巴巴")]["n_sources"] == 1
    assert departures[("钟煌", "阿里巴巴")]["n_sources"] == 1
    with connect(seeds_db) as db:
        assert db.query("SELECT COUNT(*) FROM people WHERE name IN (?, ?)", ("周畅", "钟煌"))[0][0] == 2


def test_a_one_character_alias_joins_nobody(tmp_path: Path) -> None:
    db_url = str(tmp_path / "departures.db")
    load_events([
        event("x1", "薄列峰", "阿里巴巴", aliases=["薄"]),
        event("x2", "薄熙", "阿里巴巴", aliases=["薄"]),
    ], db_url)
    assert len(merged_by_person(db_url)) == 2


def test_organization_names_compare_after_nfkc_and_case_folding(tmp_path: Path) -> None:
    db_url = str(tmp_path / "departures.db")
    load_events([event("x1", "Jack Clark", "OpenAI"), event("x2", "Jack Clark", "Ｏｐｅｎ AI")], db_url)
    (departure,) = merged_by_person(db_url).values()
    assert departure["n_articles"] == 2


def test_events_without_an_organization_are_not_merged(tmp_path: Path) -> None:
    db_url = str(tmp_path / "departures.db")
    load_events([event("x1", "李磊", None), event("x2", "李磊", None)], db_url)
    with connect(db_url) as db:
        assert db.query("SELECT COUNT(*) FROM departures")[0][0] == 2
