"""`departures evaluate` as a user runs it: exit codes, clean stdout, JSON report, mistakes, floors."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli import app

GOLD = [
    {"article_id": "a1", "published_at": "2024-01", "events": [
        {"person": ["沈加翔", "五福"], "from_org": ["阿里巴巴"], "from_unit": [], "position": ["负责人"],
         "date": ["2023-07"], "to_org": [], "to_kind": ["startup"], "optional": False, "note": "离职"},
        {"person": ["李四"], "from_org": ["百度"], "from_unit": [], "position": ["副总裁"],
         "date": [], "to_org": [], "to_kind": ["unknown"], "optional": False},
    ]},
]
# one right event with a wrong position, one false alarm, 李四 missed
PRED = [
    {"article_id": "a1", "person": {"name": "五福", "aliases": []},
     "from": {"organization": "阿里巴巴", "position": "总监"}, "to": {"kind": "startup"}, "date": {"value": "2023-07"}},
    {"article_id": "a1", "person": {"name": "王五", "aliases": []}, "from": {"organization": "腾讯"}},
]


def write_jsonl(path: Path, records: list[dict]) -> str:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return str(path)


@pytest.fixture
def files(tmp_path: Path) -> tuple[str, str]:
    return write_jsonl(tmp_path / "gold.jsonl", GOLD), write_jsonl(tmp_path / "pred.jsonl", PRED)


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(app, ["evaluate", *args], input=stdin)


def test_table_on_stdout(files):
    gold, pred = files
    result = run("--gold", gold, "--pred", pred)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["corpus", "TP", "FP", "FN", "P", "R", "F1"]
    assert lines[1].split() == ["events", "1", "1", "1", "0.500", "0.500", "0.500"]
    assert [line.split()[0] for line in lines[2:8]] == [
        "from_org", "from_unit", "position", "date", "to_org", "to_kind"]
    assert lines[4].split()[1:4] == ["0", "1", "2"]  # position: 总监 is FP and FN, 李四's missed 副总裁 FN
    assert any(line.split()[:4] == ["a1", "1", "1", "1"] for line in lines[8:])
    assert result.stderr == ""


def test_json_report_parses_and_holds_the_counts(files):
    gold, pred = files
    result = run("--gold", gold, "--pred", pred, "--json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["corpus"]["events"] == {"tp": 1, "fp": 1, "fn": 1, "precision": 0.5, "recall": 0.5, "f1": 0.5}
    assert report["corpus"]["fields"]["from_org"]["tp"] == 1
    assert report["corpus"]["fields"]["from_org"]["fp"] == 1
    assert report["corpus"]["fields"]["from_org"]["fn"] == 1
    assert report["articles"][0]["article_id"] == "a1"
    assert "mistakes" not in report


def test_show_lists_misses_false_alarms_and_wrong_values(files):
    gold, pred = files
    result = run("--gold", gold, "--pred", pred, "--show")
    assert result.exit_code == 0
    shown = [line.split("\t") for line in result.stdout.splitlines() if "\t" in line]
    assert [row[:3] for row in shown] == [
        ["a1", "五福", "WRONG"], ["a1", "王五", "FALSE ALARM"], ["a1", "李四", "MISSED"]]
    assert "position" in shown[0][3] and "总监" in shown[0][3]

    report = json.loads(run("--gold", gold, "--pred", pred, "--show", "--json").stdout)
    assert {(m["person"], m["kind"]) for m in report["mistakes"]} == {
        ("五福", "wrong_value"), ("王五", "false_alarm"), ("李四", "missed")}


def test_predictions_from_stdin(files):
    gold, pred = files
    result = run("--gold", gold, "--pred", "-", "--json", stdin=Path(pred).read_text(encoding="utf-8"))
    assert result.exit_code == 0
    assert json.loads(result.stdout)["corpus"]["events"]["tp"] == 1


@pytest.mark.parametrize(
    "floors, exit_code",
    [
        ((), 0),
        (("--min-event-f1", "0.5"), 0),
        (("--min-event-f1", "0.51"), 1),
        (("--min-field-f1", "0.5"), 1),  # position F1 is 0
        (("--min-field-f1", "0.0", "--min-event-f1", "0.0"), 0),
    ],
)
def test_floors_set_the_exit_code(files, floors, exit_code):
    gold, pred = files
    result = run("--gold", gold, "--pred", pred, *floors)
    assert result.exit_code == exit_code
    assert ("under the floor" in result.stderr) == (exit_code == 1)
    assert result.stdout.startswith("corpus")  # the report is printed either way


def test_articles_missing_from_gold_are_warned_about(files, tmp_path):
    gold, _ = files
    pred = write_jsonl(tmp_path / "other.jsonl", [{"article_id": "zz", "person": {"name": "赵六"}}])
    result = run("--gold", gold, "--pred", pred, "--json")
    assert result.exit_code == 0
    assert "not in the gold" in result.stderr and "zz" in result.stderr
    report = json.loads(result.stdout)
    assert report["articles_not_in_gold"] == ["zz"]
    assert report["corpus"]["events"]["fp"] == 1 and report["corpus"]["events"]["fn"] == 2


def test_missing_file_is_a_usage_error(files, tmp_path):
    gold, _ = files
    result = run("--gold", gold, "--pred", str(tmp_path / "absent.jsonl"))
    assert result.exit_code == 2
    assert "absent.jsonl" in result.stderr and "cannot open" in result.stderr
    assert result.stdout == ""


def test_broken_gold_is_a_usage_error_naming_the_line(files, tmp_path):
    _, pred = files
    broken = tmp_path / "broken.jsonl"
    broken.write_text(json.dumps(GOLD[0], ensure_ascii=False) + "\n{\"article_id\": \"a2\", \n", encoding="utf-8")
    result = run("--gold", str(broken), "--pred", pred)
    assert result.exit_code == 2
    assert "broken.jsonl, line 2: invalid JSON" in result.stderr
    assert result.stdout == ""


def test_invalid_prediction_is_a_usage_error_naming_the_line(files, tmp_path):
    gold, _ = files
    pred = write_jsonl(tmp_path / "pred.jsonl", [PRED[0], {"article_id": "a1", "person": "五福"}])
    result = run("--gold", gold, "--pred", pred)
    assert result.exit_code == 2
    assert "pred.jsonl, line 2: not a predicted event record: person" in result.stderr


def test_missing_option_is_a_usage_error(files):
    gold, _ = files
    assert run("--gold", gold).exit_code == 2
    assert run("--gold", gold, "--pred", "x", "--min-event-f1", "1.5").exit_code == 2
