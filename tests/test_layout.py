"""The package reads as the pipeline: each stage is a package, and a stage imports only earlier ones."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

# stages in pipeline order; `models` (the output contract) is shared by all of them
STAGES = ["rulebook", "ingest", "normalize", "entities", "events", "pipeline", "batch", "db", "evaluation", "review"]
SHARED = {"models"}


def stage_imports(package_dir: Path) -> dict[str, set[str]]:
    """For every stage, the other parts of the package its modules import."""
    found: dict[str, set[str]] = {}
    for path in package_dir.rglob("*.py"):
        relative = path.relative_to(package_dir)
        stage = relative.parts[0].removesuffix(".py")
        module = ["extractor", *relative.with_suffix("").parts]
        if module[-1] == "__init__":
            module = module[:-1] + ["__init__"]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.level:
                base = module[:-node.level]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            parts = target.split(".")
            if parts[0] == "extractor" and len(parts) > 1 and parts[1] != stage:
                found.setdefault(stage, set()).add(parts[1])
    return found


def test_every_stage_is_a_package_that_says_what_it_takes_and_gives(repo_root: Path) -> None:
    for stage in STAGES:
        if stage == "pipeline":
            continue  # one module: the stages composed
        init = repo_root / "extractor" / stage / "__init__.py"
        docstring = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert docstring and "Takes" in docstring, f"{init} should say what the stage takes and gives"


@pytest.mark.parametrize("stage", STAGES)
def test_a_stage_imports_only_earlier_stages(repo_root: Path, stage: str) -> None:
    imports = stage_imports(repo_root / "extractor").get(stage, set())
    later = {other for other in imports - SHARED if other not in STAGES[:STAGES.index(stage)]}
    assert not later, f"{stage} imports {sorted(later)}, which come later in the pipeline or are not stages"
