"""Every file in rules/ loads, validates, and is usable by the stage that reads it."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from extractor.rulebook.lexicon import load_lexicon
from extractor.rulebook.lexicon_models import OrganizationsFile, TriggersFile
from extractor.rulebook.loader import RuleFileError, load_rule_file, shipped_rules_dir
from extractor.entities.segment import Segmenter


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon()


def test_every_rules_file_is_loaded_by_someone(lexicon) -> None:
    names = {p.stem for p in shipped_rules_dir().glob("*.yaml")}
    assert names == {"organizations", "org_patterns", "titles", "triggers", "name_cues", "surnames",
                     "destinations", "dates", "repairs", "conversion"}


def test_no_alias_points_at_two_organizations(lexicon) -> None:
    owners: dict[str, str] = {}
    for org in lexicon.organizations.organizations:
        for alias in [org.name, *org.aliases]:
            assert owners.setdefault(alias, org.name) == org.name, alias


def test_unknown_keys_are_rejected_with_the_file_named(tmp_path: Path) -> None:
    (tmp_path / "triggers.yaml").write_text("triggers:\n  - {word: 离职, kind: leave_org, typo: 1}\n", encoding="utf-8")
    with pytest.raises(RuleFileError) as error:
        load_rule_file("triggers", TriggersFile, tmp_path)
    assert "triggers.yaml" in str(error.value) and "typo" in str(error.value)


def test_a_duplicate_alias_in_an_overlay_is_refused(tmp_path: Path) -> None:
    (tmp_path / "organizations.yaml").write_text(
        "organizations:\n  - {name: 阿里影业, kind: company, aliases: [阿里]}\n", encoding="utf-8")
    with pytest.raises(RuleFileError, match="阿里"):
        load_rule_file("organizations", OrganizationsFile, tmp_path)


def test_an_overlay_extends_the_shipped_lists(tmp_path: Path) -> None:
    (tmp_path / "organizations.yaml").write_text(
        "organizations:\n  - {name: 星海智能, kind: company, aliases: [星海]}\n", encoding="utf-8")
    lexicon = load_lexicon(tmp_path)
    assert lexicon.org_by_surface["星海"].canonical == "星海智能"
    assert lexicon.org_by_surface["阿里"].canonical == "阿里巴巴"  # shipped entries stay


def test_no_empty_or_whitespace_entries(lexicon) -> None:
    words = [t.word for t in lexicon.triggers.triggers] + lexicon.titles.titles + list(lexicon.org_by_surface)
    assert all(w and w.strip() == w for w in words)


def test_jieba_keeps_every_lexicon_word_whole(lexicon) -> None:
    assert Segmenter(lexicon.user_words()).ignored_user_words() == []


def test_the_pipeline_owns_its_jieba_dictionary(lexicon) -> None:
    import jieba
    Segmenter(["星海智能科技"])
    assert "星海智能科技" not in jieba.lcut("星海智能科技成立")  # the process-wide tokenizer is untouched


def test_no_person_from_the_fixtures_is_named_in_the_rules(repo_root: Path) -> None:
    """Rules must generalize: the gold's people may not appear in rules/ (organizations may)."""
    people = set()
    for gold in (repo_root / "fixtures" / "gold").glob("*.jsonl"):
        for line in gold.read_text(encoding="utf-8").splitlines():
            for event in json.loads(line)["events"]:
                people.update(name for name in event["person"] if len(name) >= 2)
    entries: set[str] = set()

    def collect(node) -> None:  # type: ignore[no-untyped-def]
        if isinstance(node, dict):
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)
        elif isinstance(node, str):
            entries.add(node)

    for path in shipped_rules_dir().glob("*.yaml"):
        collect(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert sorted(people & entries) == []
