"""The one place that finds, loads, overlays and validates the files in `rules/`.

Rules ship inside the wheel as `extractor/_rules`; in a source checkout they are the top-level
`rules/` folder. A user's directory (`--rules DIR` or `DEPARTURES_RULES`) is overlaid file by
file: lists are extended and mappings updated, so a partial user file only adds what it sets.

The vocabulary of each news beat (sports, entertainment, government …) lives in `rules/beats/<beat>.yaml`,
so that a reader finds a beat's words together: each beat file maps rule-file names to partial files,
overlaid on the shared files in the same way before the user's overlay.
"""
from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

T = TypeVar("T", bound=BaseModel)


class RuleFileError(ValueError):
    """A rules file is missing, is not valid YAML, or does not match its schema."""


def shipped_rules_dir() -> Path:
    packaged = resources.files("extractor") / "_rules"
    if packaged.is_dir():
        return Path(str(packaged))
    # Source checkout or editable install: the package (extractor/) sits next to the top-level rules/ folder.
    source_tree = Path(__file__).resolve().parents[2] / "rules"
    if source_tree.is_dir():
        return source_tree
    raise RuleFileError("no rules directory found: reinstall the package or pass --rules DIR")


def user_rules_dir() -> Path | None:
    value = os.environ.get("DEPARTURES_RULES")
    return Path(value) if value else None


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RuleFileError(f"{path}: not valid YAML: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise RuleFileError(f"{path}: the top level must be a mapping, found {type(data).__name__}")
    return data


def _overlay(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, list) and isinstance(merged.get(key), list):
            merged[key] = merged[key] + value
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _overlay(merged[key], value)
        else:
            merged[key] = value
    return merged


def rule_file_names() -> list[str]:
    """Names of the shared rules files (`rules/<name>.yaml`): the keys a beat file may hold."""
    return sorted(p.stem for p in shipped_rules_dir().glob("*.yaml"))


def beat_files(rules_dir: Path) -> list[Path]:
    return sorted((rules_dir / "beats").glob("*.yaml"))


def _beat_part(path: Path, name: str) -> dict[str, Any] | None:
    data = _read_yaml(path)
    unknown = sorted(set(data) - set(rule_file_names()))
    if unknown:
        raise RuleFileError(f"{path}: unknown rules file(s) {', '.join(unknown)}; expected keys among "
                            f"{', '.join(rule_file_names())}")
    part = data.get(name)
    if part is not None and not isinstance(part, dict):
        raise RuleFileError(f"{path}: `{name}` must be a mapping like rules/{name}.yaml, found {type(part).__name__}")
    return part


def load_rule_file(name: str, model: type[T], overlay_dir: Path | None = None) -> T:
    """Load `rules/<name>.yaml`, overlay the beats' parts of it, then the user's file of the same name
    (and the user's own beats), validate."""
    path = shipped_rules_dir() / f"{name}.yaml"
    if not path.is_file():
        raise RuleFileError(f"missing rules file {path}")
    data = _read_yaml(path)
    sources = [str(path)]
    beats = beat_files(shipped_rules_dir()) + (beat_files(Path(overlay_dir)) if overlay_dir is not None else [])
    for beat in beats:
        part = _beat_part(beat, name)
        if part:
            data = _overlay(data, part)
            sources.append(str(beat))
    if overlay_dir is not None:
        user_path = Path(overlay_dir) / f"{name}.yaml"
        if user_path.is_file():
            data = _overlay(data, _read_yaml(user_path))
            sources.append(str(user_path))
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise RuleFileError(f"invalid rules in {' + '.join(sources)}:\n{exc}") from exc


@lru_cache(maxsize=8)
def _cached(name: str, model: type[BaseModel], overlay_dir: str | None) -> BaseModel:
    return load_rule_file(name, model, Path(overlay_dir) if overlay_dir else None)


def rules(name: str, model: type[T], overlay_dir: Path | None = None) -> T:
    """Cached `load_rule_file`: each file is parsed once per process."""
    overlay = overlay_dir if overlay_dir is not None else user_rules_dir()
    return _cached(name, model, str(overlay) if overlay else None)  # type: ignore[return-value]
