"""`departures schema` prints the event contract of SPEC section 2, and every command explains itself."""
from __future__ import annotations

import json
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from extractor.cli import app
from extractor.models import DepartureEvent

SPEC_EXAMPLE: dict[str, Any] = {
    "article_id": "002_7cb665f7f2a66f5a",
    "person": {"name": "沈加翔", "aliases": ["五福"]},
    "from": {"organization": "阿里巴巴", "unit": "达摩院自动驾驶实验室", "position": "负责人", "rank": "P11"},
    "to": {"organization": None, "position": None, "kind": "startup"},
    "date": {"text": "7月8日", "value": "2023-07-08", "precision": "day"},
    "reason": None,
    "certainty": "confirmed",
    "evidence": [{"text": "…已于近期离职…离职时间为7月8日。", "start": 41, "end": 118}],
}
SPEC_FIELDS = {"article_id", "person", "from", "to", "date", "reason", "certainty", "evidence"}


def printed_schema() -> dict[str, Any]:
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0
    return json.loads(result.stdout)


def resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """Follow a local $ref (directly, through anyOf with null, or through array items)."""
    if "$ref" in node:
        return resolve(schema, schema["$defs"][node["$ref"].rsplit("/", 1)[-1]])
    for option in node.get("anyOf", []):
        if option.get("type") != "null":
            return resolve(schema, option)
    if node.get("type") == "array" and "items" in node:
        return resolve(schema, node["items"])
    return node


def assert_covered(schema: dict[str, Any], node: dict[str, Any], value: Any, path: str) -> None:
    """Every key of the example is a property the schema declares, at every depth."""
    node = resolve(schema, node)
    if isinstance(value, dict):
        properties = node.get("properties", {})
        for key, inner in value.items():
            assert key in properties, f"{path}.{key} is not in the printed schema"
            assert_covered(schema, properties[key], inner, f"{path}.{key}")
    elif isinstance(value, list):
        for item in value:
            assert_covered(schema, node, item, f"{path}[]")


def test_schema_names_every_spec_field():
    schema = printed_schema()
    assert SPEC_FIELDS <= set(schema["properties"])
    assert {"article_id", "person"} <= set(schema["required"])
    assert "from_" not in schema["properties"]  # the alias, as written in the output, not the attribute


def test_schema_covers_the_spec_example_which_the_model_accepts():
    event = DepartureEvent.model_validate(SPEC_EXAMPLE)
    assert event.to_json_dict()["from"]["organization"] == "阿里巴巴"
    schema = printed_schema()
    assert_covered(schema, schema, SPEC_EXAMPLE, "event")


def test_schema_lists_the_allowed_kinds_and_certainties():
    schema = printed_schema()
    kind = resolve(schema, resolve(schema, schema["properties"]["to"])["properties"]["kind"])
    assert set(kind["enum"]) == {"company", "startup", "academia", "other", "unknown"}
    certainty = resolve(schema, schema["properties"]["certainty"])
    assert set(certainty["enum"]) == {"confirmed", "reported", "rumored"}


def registered_commands() -> list[str]:
    group = typer.main.get_command(app)
    return sorted(group.commands)  # type: ignore[attr-defined]


def test_the_cli_has_commands():
    assert {"schema", "evaluate"} <= set(registered_commands())


@pytest.mark.parametrize("command", registered_commands())
def test_every_command_has_help(command):
    group = typer.main.get_command(app)
    assert (group.commands[command].help or "").strip(), f"`departures {command}` has no help text"  # type: ignore[attr-defined]
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.stdout


def test_top_level_help():
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in registered_commands():
        assert command in result.stdout
