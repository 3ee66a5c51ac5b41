"""Scoring (SPEC section 4) on a case computed by hand, on edge cases, and on the fixtures' own gold."""
from __future__ import annotations

import io
import itertools
import json
from pathlib import Path
from typing import Any, Optional

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.evaluation.evaluate import EvaluationInputError, evaluate_files, read_gold, read_predictions
from extractor.models import DepartureEvent
from extractor.evaluation.report import floor_failures
from extractor.evaluation.scoring import (
    FIELDS,
    Counts,
    GoldArticle,
    GoldEvent,
    PredictedEvent,
    judge_field,
    max_weight_assignment,
    normalize,
    score_corpus,
)


def gold_event(person: list[str], **fields: Any) -> dict[str, Any]:
    event: dict[str, Any] = {"person": person, **{name: [] for name in FIELDS}, "optional": False}
    event.update(fields)
    return event


def pred(article_id: str, name: str, org: Optional[str] = None, *, aliases: tuple[str, ...] = (),
         unit: Optional[str] = None, position: Optional[str] = None, date: Optional[str] = None,
         to_org: Optional[str] = None, kind: Optional[str] = None) -> dict[str, Any]:
    return {
        "article_id": article_id,
        "person": {"name": name, "aliases": list(aliases)},
        "from": {"organization": org, "unit": unit, "position": position, "rank": None},
        "to": {"organization": to_org, "position": None, "kind": kind},
        "date": {"text": None, "value": date, "precision": None},
        "reason": None,
        "certainty": "confirmed",
        "evidence": [],
    }


def score(gold: list[dict[str, Any]], predictions: list[dict[str, Any]]):
    return score_corpus([GoldArticle.model_validate(g) for g in gold],
                        [PredictedEvent.model_validate(p) for p in predictions])


def counts(c: Counts) -> tuple[int, int, int]:
    return (c.tp, c.fp, c.fn)


# ---------------------------------------------------------------------------------------------
# The hand-computed case.
#
# Article a1 (gold):
#   G1 沈加翔/五福  from 阿里巴巴|阿里, unit 达摩院, position 负责人, date 2023-07-08, to_org [], kind startup
#   G2 付强         from 滴滴, position 高级副总裁, date 2023, to_org 满帮集团, kind company
#   G3 付强         from 满帮集团|满帮, position 首席运营官|COO, date 2024, to_org 至像科技, kind company|startup
#   G4 王五         from 腾讯, kind unknown, OPTIONAL
#   G5 Andrej Karpathy  from 特斯拉, unit Autopilot, position AI总监, date 2022-07, kind unknown|company
#   G6 李四         from 百度, position 副总裁, date 2021, kind academia        (nobody predicts it)
#   G8 钱八         from 京东, position 副总裁, kind unknown
# Article a2 (gold, no predictions):
#   G7 周七         from 华为, position CTO, to_org 荣耀, kind company|unknown
# Predictions (in this order):
#   P4 付强 from 满帮 (nothing else)                  -> candidate G3 only, but P2 agrees better: FALSE ALARM
#   P1 五福 (alias) 阿里巴巴/达摩院/高级研究员/2023-07-08, to_org 自动驾驶公司, kind startup -> G1
#   P2 付强 "满 帮 集团"/"ＣＯＯ"/2024, to_org 至像科技, kind unknown       -> G3 (two 付强 events: org decides)
#   P3 付强 滴滴, date 2023-03, kind company                                -> G2
#   P5 付强 字节跳动, position 顾问, kind unknown      -> org in neither 付强 event: FALSE ALARM
#   P6 王五 腾讯, position 总监, kind company          -> optional G4: dropped, fields too
#   P7 "Andrej  Karpathy" 特斯拉/Autopilot/"AI 总监"/2022-07, kind academia -> G5
#   P9 钱八 京东/副总裁, no kind                         -> G8
#   P8 赵六 小米, kind company, article zz (not in gold) -> FALSE ALARM
#
# Events: TP G1 G2 G3 G5 G8 = 5; FP P4 P5 P8 = 3; FN G6 G7 = 2.
# from_org : TP P1 P2(满帮集团 after whitespace removal) P3 P7 P9 = 5; FP P4 P5 P8 = 3; FN G6 G7 = 2
# from_unit: TP P1 P7 = 2; nothing else has a value or a gold answer       -> (2, 0, 0)
# position : TP P2(ＣＯＯ NFKC -> COO) P7(AI总监) P9 = 3; FP P1(wrong) P5 = 2;
#            FN P1(wrong) P3(none) G6 G7 = 4                                  -> (3, 2, 4)
# date     : TP P1 P2 P7 = 3; FP P3(2023-03 not in [2023]) = 1; FN P3 G6 = 2 -> (3, 1, 2)
# to_org   : TP P2 = 1; FP P1(gold list empty) = 1; FN P3(none) G7 = 2     -> (1, 1, 2)
# to_kind  : TP P1 P3 = 2; FP P7(academia vs [unknown, company]: judged on company, no FN since unknown listed)
#            P8 = 2; FN P2(unknown vs [company, startup]) G6 = 2; P5/P9/G7/G8 give or demand nothing -> (2, 2, 2)
# ---------------------------------------------------------------------------------------------

HAND_GOLD = [
    {"article_id": "a1", "published_at": "2024-01", "events": [
        gold_event(["沈加翔", "五福"], from_org=["阿里巴巴", "阿里"], from_unit=["达摩院"], position=["负责人"],
                   date=["2023-07-08"], to_kind=["startup"]),
        gold_event(["付强"], from_org=["滴滴"], position=["高级副总裁"], date=["2023"], to_org=["满帮集团"],
                   to_kind=["company"]),
        gold_event(["付强"], from_org=["满帮集团", "满帮"], position=["首席运营官", "COO"], date=["2024"],
                   to_org=["至像科技"], to_kind=["company", "startup"]),
        gold_event(["王五"], from_org=["腾讯"], to_kind=["unknown"], optional=True),
        gold_event(["Andrej Karpathy", "卡帕西"], from_org=["特斯拉"], from_unit=["Autopilot"], position=["AI总监"],
                   date=["2022-07"], to_kind=["unknown", "company"]),
        gold_event(["李四"], from_org=["百度"], position=["副总裁"], date=["2021"], to_kind=["academia"]),
        gold_event(["钱八"], from_org=["京东"], position=["副总裁"], to_kind=["unknown"]),
    ]},
    {"article_id": "a2", "published_at": None, "events": [
        gold_event(["周七"], from_org=["华为"], position=["CTO"], to_org=["荣耀"], to_kind=["company", "unknown"]),
    ]},
]

HAND_PRED = [
    pred("a1", "付强", "满帮"),
    pred("a1", "五福", "阿里巴巴", unit="达摩院", position="高级研究员", date="2023-07-08", to_org="自动驾驶公司",
         kind="startup"),
    pred("a1", "付强", "满 帮 集团", position="ＣＯＯ", date="2024", to_org="至像科技", kind="unknown"),
    pred("a1", "付强", "滴滴", date="2023-03", kind="company"),
    pred("a1", "付强", "字节跳动", position="顾问", kind="unknown"),
    pred("a1", "王五", "腾讯", position="总监", kind="company"),
    pred("a1", "Andrej  Karpathy", "特斯拉", unit="Autopilot", position="AI 总监", date="2022-07", kind="academia"),
    pred("a1", "钱八", "京东", position="副总裁"),
    pred("zz", "赵六", "小米", kind="company"),
]


def test_predictions_in_the_hand_case_are_valid_spec_events():
    for record in HAND_PRED:
        DepartureEvent.model_validate(record)


def test_hand_case_corpus_counts():
    result = score(HAND_GOLD, HAND_PRED)
    assert counts(result.events) == (5, 3, 2)
    assert {name: counts(result.fields[name]) for name in FIELDS} == {
        "from_org": (5, 3, 2),
        "from_unit": (2, 0, 0),
        "position": (3, 2, 4),
        "date": (3, 1, 2),
        "to_org": (1, 1, 2),
        "to_kind": (2, 2, 2),
    }


def test_hand_case_per_article_counts():
    articles = {a.article_id: a for a in score(HAND_GOLD, HAND_PRED).articles}
    assert [a.article_id for a in articles.values()] == ["a1", "a2", "zz"]
    assert counts(articles["a1"].events) == (5, 2, 1)
    assert counts(articles["a2"].events) == (0, 0, 1)
    assert counts(articles["zz"].events) == (0, 1, 0)
    assert not articles["zz"].in_gold
    assert counts(articles["a2"].fields["to_kind"]) == (0, 0, 0)  # gold lists unknown: nothing demanded
    assert counts(articles["zz"].fields["to_kind"]) == (0, 1, 0)
    assert articles["a1"].events.precision == pytest.approx(5 / 7)
    assert articles["a1"].events.recall == pytest.approx(5 / 6)
    assert articles["a1"].events.f1 == pytest.approx(2 * (5 / 7) * (5 / 6) / (5 / 7 + 5 / 6))


def test_hand_case_names_its_mistakes():
    result = score(HAND_GOLD, HAND_PRED)
    found = {(m.article_id, m.person, m.kind, m.field) for m in result.mistakes}
    assert ("a1", "付强", "false_alarm", None) in found
    assert ("a1", "李四", "missed", None) in found
    assert ("a2", "周七", "missed", None) in found
    assert ("a1", "五福", "wrong_value", "position") in found
    assert ("a1", "五福", "unexpected_value", "to_org") in found
    assert ("a1", "付强", "missing_value", "to_kind") in found
    assert not any(m.person == "王五" for m in result.mistakes)  # optional: neither rewarded nor punished
    details = [m.detail for m in result.mistakes if m.kind == "false_alarm" and m.person == "付强"]
    assert any("duplicate" in d for d in details)
    assert any("字节跳动" in d for d in details)


def test_duplicate_match_goes_to_the_better_prediction_whatever_the_order():
    gold = [{"article_id": "a", "events": [gold_event(["甲"], from_org=["X"], position=["CEO"])]}]
    poor, good = pred("a", "甲", "X", position="CTO"), pred("a", "甲", "X", position="CEO")
    for order in ([poor, good], [good, poor]):
        result = score(gold, order)
        assert counts(result.events) == (1, 1, 0)
        assert counts(result.fields["position"]) == (1, 1, 0)
        assert counts(result.fields["from_org"]) == (1, 1, 0)


def test_assignment_finds_the_most_matches():
    # p1 could take either gold event, p2 only the first: both must match, even though p1 agrees best with g1
    gold = [{"article_id": "a", "events": [
        gold_event(["甲"], from_org=["X", "Y"], position=["CEO"]),
        gold_event(["甲"], from_org=["X"], position=["CTO"]),
    ]}]
    result = score(gold, [pred("a", "甲", "X", position="CEO"), pred("a", "甲", "Y")])
    assert counts(result.events) == (2, 0, 0)


def test_single_gold_event_for_the_person_ignores_the_organization():
    gold = [{"article_id": "a", "events": [gold_event(["甲"], from_org=["X"])]}]
    result = score(gold, [pred("a", "甲", "Z")])
    assert counts(result.events) == (1, 0, 0)
    assert counts(result.fields["from_org"]) == (0, 1, 1)


def test_optional_match_drops_the_prediction_and_its_fields():
    gold = [{"article_id": "a", "events": [gold_event(["甲"], from_org=["X"], optional=True)]}]
    result = score(gold, [pred("a", "甲", "Y", position="CEO", kind="company")])
    assert counts(result.events) == (0, 0, 0)
    assert all(counts(c) == (0, 0, 0) for c in result.fields.values())


def test_missing_optional_gold_is_not_a_miss():
    gold = [{"article_id": "a", "events": [gold_event(["甲"], from_org=["X"], optional=True)]}]
    assert counts(score(gold, []).events) == (0, 0, 0)


@pytest.mark.parametrize(
    "predicted, accepted, expected",
    [
        (None, [], (0, 0, 0)),
        ("unknown", [], (0, 0, 0)),
        ("company", [], (0, 1, 0)),
        (None, ["company"], (0, 0, 1)),
        ("unknown", ["company"], (0, 0, 1)),
        ("company", ["company"], (1, 0, 0)),
        ("startup", ["company"], (0, 1, 1)),
        (None, ["unknown"], (0, 0, 0)),
        ("unknown", ["unknown"], (0, 0, 0)),
        ("company", ["unknown"], (0, 1, 0)),
        ("company", ["unknown", "company"], (1, 0, 0)),
        ("startup", ["company", "unknown"], (0, 1, 0)),
        (None, ["company", "unknown"], (0, 0, 0)),
    ],
)
def test_to_kind_rules(predicted, accepted, expected):
    assert counts(judge_field("to_kind", predicted, frozenset(accepted))) == expected


@pytest.mark.parametrize(
    "predicted, accepted, expected",
    [
        (None, [], (0, 0, 0)),
        ("X", [], (0, 1, 0)),
        (None, ["X"], (0, 0, 1)),
        ("X", ["X", "Y"], (1, 0, 0)),
        ("Z", ["X", "Y"], (0, 1, 1)),
        ("unknown", ["X"], (0, 1, 1)),  # "unknown" is a non-answer only for to_kind
    ],
)
def test_string_field_rules(predicted, accepted, expected):
    assert counts(judge_field("position", predicted, frozenset(accepted))) == expected


def test_normalization_is_nfkc_without_whitespace():
    assert normalize(" ＡＩ　Lab\t 负责人\n") == "AILab负责人"
    assert normalize("   ") is None
    assert normalize(None) is None
    gold = [{"article_id": "a", "events": [gold_event(["Sam Altman"], from_org=["OpenAI"], position=["CEO"])]}]
    result = score(gold, [pred("a", "Sam　Altman", "Open AI", position="ＣＥＯ")])
    assert counts(result.events) == (1, 0, 0)
    assert counts(result.fields["from_org"]) == (1, 0, 0)
    assert counts(result.fields["position"]) == (1, 0, 0)


def test_alias_of_the_prediction_matches_a_gold_name():
    gold = [{"article_id": "a", "events": [gold_event(["沈加翔"], from_org=["阿里巴巴"])]}]
    result = score(gold, [pred("a", "沈佳翔", "阿里巴巴", aliases=("五福", "沈加翔"))])
    assert counts(result.events) == (1, 0, 0)


def test_empty_scores_follow_the_documented_convention():
    assert (Counts().precision, Counts().recall, Counts().f1) == (1.0, 1.0, 1.0)
    assert (Counts(fn=2).precision, Counts(fn=2).recall, Counts(fn=2).f1) == (0.0, 0.0, 0.0)
    assert (Counts(fp=1).precision, Counts(fp=1).recall) == (0.0, 0.0)


def test_max_weight_assignment():
    assert max_weight_assignment([]) == []
    assert max_weight_assignment([[5, 0], [6, 0]]) == [(1, 0)]
    assert max_weight_assignment([[9, 8], [7, 0]]) == [(0, 1), (1, 0)]
    assert max_weight_assignment([[0, 0, 3]]) == [(0, 2)]
    assert max_weight_assignment([[0], [0]]) == []


# --- files ------------------------------------------------------------------------------------


def first_answer_predictions(gold_path: Path) -> list[dict[str, Any]]:
    """One SPEC event per gold event (optional ones too), each field taking the first accepted answer."""
    def first(values: list[str]) -> Optional[str]:
        return values[0] if values else None

    events = []
    for article in read_gold(gold_path):
        for event in article.events:
            record = {
                "article_id": article.article_id,
                "person": {"name": event.person[0], "aliases": []},
                "from": {"organization": first(event.from_org), "unit": first(event.from_unit),
                         "position": first(event.position)},
                "to": {"organization": first(event.to_org), "kind": first(event.to_kind)},
                "date": {"value": first(event.date)},
            }
            events.append(DepartureEvent.model_validate(record).to_json_dict())
    return events


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["dev.jsonl", "seeds.jsonl"])
def test_first_answers_of_the_gold_score_perfectly(gold_dir, tmp_path, name):
    gold_path = gold_dir / name
    pred_path = write_jsonl(tmp_path / "pred.jsonl", first_answer_predictions(gold_path))
    result = evaluate_files(gold_path, pred_path)
    assert result.events.tp > 0 and counts(result.events)[1:] == (0, 0)
    assert result.events.f1 == 1.0
    for name_ in FIELDS:
        assert result.fields[name_].f1 == 1.0, (name_, counts(result.fields[name_]))
    assert result.unknown_articles == []


def test_dev_gold_counts_match_its_readme(gold_dir):
    articles = read_gold(gold_dir / "dev.jsonl")
    events = [e for a in articles for e in a.events]
    assert (len(articles), len(events), sum(e.optional for e in events)) == (12, 88, 16)


def test_broken_lines_are_reported_with_their_number(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text('{"article_id": "a", "events": []}\n\n{"article_id": "b", "events": [\n', encoding="utf-8")
    with pytest.raises(EvaluationInputError, match=r"gold.jsonl, line 3: invalid JSON"):
        read_gold(path)


@pytest.mark.parametrize(
    "line, message",
    [
        ('{"article_id": "a", "events": [{"person": []}]}', r"line 1: not a gold record: events\.0\.person"),
        ('{"article_id": "a", "events": [{"person": ["x"], "form_org": ["y"]}]}', r"form_org"),
        ("[1, 2]", r"line 1: expected one JSON object per line, got list"),
    ],
)
def test_gold_records_are_validated(tmp_path, line, message):
    path = tmp_path / "gold.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(EvaluationInputError, match=message):
        read_gold(path)


def test_gold_article_given_twice_is_an_error(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text('{"article_id": "a", "events": []}\n{"article_id": "a", "events": []}\n', encoding="utf-8")
    with pytest.raises(EvaluationInputError, match=r"line 2: article 'a' already given on line 1"):
        read_gold(path)


def test_predictions_need_an_article_and_a_person_but_may_carry_more():
    stream = io.BytesIO(b'{"article_id": "a", "person": {"name": "x"}, "extra": 1, "from": null}\n'
                        b'{"article_id": "a"}\n')
    stream.name = "pred.jsonl"
    with pytest.raises(EvaluationInputError, match=r"pred.jsonl, line 2: not a predicted event record: person"):
        read_predictions(stream)


def test_non_utf8_input_names_the_line(tmp_path):
    path = tmp_path / "pred.jsonl"
    path.write_bytes(b'{"article_id": "a", "person": {"name": "x"}}\n' + "{\"x\": \"离职\"}\n".encode("gbk"))
    with pytest.raises(EvaluationInputError, match=r"line 2: not UTF-8"):
        read_predictions(path)


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(EvaluationInputError, match=r"cannot open the gold file"):
        read_gold(tmp_path / "absent.jsonl")


def test_gold_event_model_matches_the_spec_fields():
    assert set(GoldEvent.model_fields) == {*FIELDS, "person", "optional", "note"}


def test_floors_one_for_all_fields_or_one_per_field():
    result = score(HAND_GOLD, HAND_PRED)  # events F1 = 10/15; from_unit F1 = 1.0; position F1 = 6/12
    assert floor_failures(result, None, None) == []
    assert floor_failures(result, 2 / 3, None) == []  # a floor equal to the score holds
    assert floor_failures(result, 0.7, None) == ["events F1 0.667 is under the floor 0.700"]
    assert len(floor_failures(result, None, 0.99)) == 5  # every field but from_unit
    assert floor_failures(result, None, {"from_unit": 1.0, "position": 0.5}) == []
    assert floor_failures(result, None, {"from_unit": 1.0, "position": 0.51}) == [
        "position F1 0.500 is under the floor 0.510"]


def best_total_by_brute_force(weights: list[list[int]]) -> int:
    rows, cols = len(weights), len(weights[0]) if weights else 0
    best = 0
    # every injective choice of a column (or none) for each row
    for choice in itertools.product(range(-1, cols), repeat=rows):
        used = [c for c in choice if c >= 0]
        if len(used) == len(set(used)) and all(weights[r][c] > 0 for r, c in enumerate(choice) if c >= 0):
            best = max(best, sum(weights[r][c] for r, c in enumerate(choice) if c >= 0))
    return best


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 4).flatmap(lambda cols: st.lists(
    st.lists(st.integers(0, 30), min_size=cols, max_size=cols), min_size=1, max_size=4)))
def test_assignment_is_optimal_and_one_to_one(weights):
    pairs = max_weight_assignment(weights)
    assert len({r for r, _ in pairs}) == len(pairs) == len({c for _, c in pairs})
    assert all(weights[r][c] > 0 for r, c in pairs)
    assert sum(weights[r][c] for r, c in pairs) == best_total_by_brute_force(weights)
