"""Shared fixtures: where the project's data lives, found from pytest's root (the folder of pyproject.toml)."""
from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def repo_root(pytestconfig: pytest.Config) -> Path:
    return Path(pytestconfig.rootpath)


@pytest.fixture(scope="session")
def fixtures_dir(repo_root: Path) -> Path:
    return repo_root / "fixtures"


@pytest.fixture(scope="session")
def seeds_dir(repo_root: Path) -> Path:
    return repo_root / "seeds"


@pytest.fixture(scope="session")
def gold_dir(fixtures_dir: Path) -> Path:
    return fixtures_dir / "gold"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "golden: runs the real pipeline on the seeds and the dev set and checks fixtures/floors.json")
