"""The Python API: the README's example runs as written, `extract_text`'s arguments, and a light `import extractor`."""
from __future__ import annotations

import contextlib
import io
import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

import extractor
from extractor import Article, DepartureEvent, Pipeline, StageError, extract_text, text_id
from extractor.pipeline import get_pipeline

LEFT = "据知情人士透露，阿里巴巴通义千问技术负责人周畅已于7月离职，加入字节跳动。"


def readme_example(readme: Path) -> str:
    """The first ```python block of the README's "Python API" section."""
    text = readme.read_text(encoding="utf-8")
    section = text.split("\n## Python API\n", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"^```python\n(.*?)^```$", section, flags=re.S | re.M)
    assert match, "the Python API section has no python code block"
    return match.group(1)


def test_the_readme_example_runs_and_prints_what_it_says(repo_root: Path) -> None:
    code = readme_example(repo_root / "README.md")
    # a comment line starting at column 0 is the output the line before it prints
    documented = [line[2:] for line in code.splitlines() if line.startswith("# ")]
    namespace: dict = {}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "README.md (Python API)", "exec"), namespace)

    assert documented and printed.getvalue().splitlines() == documented
    events = namespace["events"]
    assert events and all(isinstance(e, DepartureEvent) for e in events)
    assert namespace["line"]["article_id"] == text_id("3月5日，京东集团副总裁李强已经离职，加盟美团。")
    assert DepartureEvent.model_validate(namespace["line"]) == events[0]


def test_a_pipeline_built_once_extracts_many_articles() -> None:
    pipeline = get_pipeline()
    first = pipeline.extract(Article(id="one", text=LEFT, published_at="2024-09-01"))
    second = pipeline.extract(Article(id="two", text="今天天气很好。", published_at="2024-09-01"))
    assert [(e.article_id, e.person.name, e.to.organization) for e in first] == [("one", "周畅", "字节跳动")]
    assert second == []


def test_extract_text_gives_what_the_pipeline_gives() -> None:
    article = Article(id="a1", title="人事变动", text=LEFT, published_at="2024-09-01")
    assert extract_text(LEFT, title="人事变动", published_at="2024-09-01", article_id="a1") == (
        get_pipeline().extract(article))


@pytest.mark.parametrize("published_at", ["2024-09-01", "2024-09-01T08:30:00+08:00", date(2024, 9, 1),
                                          datetime(2024, 9, 1, 23, 59)])
def test_published_at_as_a_string_or_a_date(published_at: object) -> None:
    (event,) = extract_text(LEFT, published_at=published_at)  # type: ignore[arg-type]
    assert event.date.value == "2024-07"


def test_without_a_date_a_dateline_at_the_top_is_used() -> None:
    (event,) = extract_text("2023年9月5日10时\n" + LEFT)
    assert event.date.value == "2023-07"


def test_a_published_at_that_is_no_date_is_refused() -> None:
    with pytest.raises(ValueError, match="not a date"):
        extract_text(LEFT, published_at="last Tuesday")


def test_the_default_article_id_is_made_from_the_text() -> None:
    first, again = extract_text(LEFT, published_at="2024"), extract_text(LEFT, published_at="2024")
    assert first[0].article_id == again[0].article_id == text_id(LEFT)
    assert first[0].event_id == again[0].event_id
    assert text_id(LEFT) != text_id(LEFT + "。")


def test_an_empty_text_raises_stage_error() -> None:
    with pytest.raises(StageError) as caught:
        extract_text("   ")
    assert caught.value.stage == "normalize"


def test_the_exports_are_the_library_classes() -> None:
    from extractor.models import Article as ModelArticle
    from extractor.pipeline import Pipeline as PipelineClass

    assert Article is ModelArticle and Pipeline is PipelineClass
    assert set(extractor.__all__) <= set(dir(extractor))
    with pytest.raises(AttributeError):
        extractor.no_such_name  # noqa: B018


def test_importing_the_package_does_not_load_the_nlp_stack() -> None:
    probe = "import sys, extractor; print(sorted(m for m in ('spacy', 'jieba', 'extractor.pipeline') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
