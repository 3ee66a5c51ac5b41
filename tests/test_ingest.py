"""Reading input as a crawler hands it over: .txt, .html, .jsonl, folders, stdin; encodings,
publication dates, and one ErrorRecord per input that cannot be read."""
from __future__ import annotations

import io
import json
import os
import sys
import tracemalloc
from pathlib import Path

import pytest

from extractor.ingest.datelines import find_dateline, normalize_date, parse_iso_date
from extractor.ingest.inputs import iter_inputs
from extractor.models import Article, ErrorRecord


def read_all(*paths, **kwargs) -> list[Article | ErrorRecord]:
    return list(iter_inputs([str(p) for p in paths], **kwargs))


def jsonl(path: Path, records: list, encoding: str = "utf-8") -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


# --- publication dates ------------------------------------------------------------------------

def test_datelines_of_the_dev_articles_give_their_gold_dates(repo_root):
    gold = {}
    for line in (repo_root / "fixtures" / "gold" / "dev.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        gold[record["article_id"]] = record["published_at"]
    articles = read_all(repo_root / "fixtures" / "dev" / "articles")
    assert {a.id: a.published_at for a in articles} == gold


def test_seed_dates_come_from_a_dateline_or_not_at_all(repo_root):
    gold = json.loads((repo_root / "fixtures" / "seeds_published_at.json").read_text(encoding="utf-8"))
    found = {a.id: a.published_at for a in read_all(*sorted((repo_root / "seeds").glob("*.txt")))}
    assert found["003_08bd5f78e4228db7"] == "2023-01-25"  # 2023年1月25日01时
    for article_id, date in found.items():
        assert date is None or date == gold[article_id], article_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-10-14 10:26\u3000出行快讯\n正文", "2025-10-14"),
        ("  • AI前线\n  • 2023年1月25日01时\n\n正文", "2023-01-25"),
        ("2021年11月11日（星期四）\n正文", "2021-11-11"),
        ("2020/09/04 08:30\u3000財經\n正文", "2020-09-04"),
        ("发布时间：2024年3月5日 09:00\n正文", "2024-03-05"),
        ("2023年7月\n正文", "2023-07"),
        # a date opening a sentence is news, not a dateline
        ("阿里人習慣以花名相稱。\n\n2025年3月31日晚間，據阿里集團方面披露", None),
        ("事件背景\n2023年10月,一则来自脉脉的爆料", None),
        ("16 小时前 / 阅读约7分钟\n来源:36kr", None),
        ("2023年2月30日\n正文", None),  # no such day
        ("一\n二\n三\n四\n五\n2023年1月1日\n", None),  # too far down to be a dateline
    ],
)
def test_find_dateline(text, expected):
    assert find_dateline(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2023-07-08T10:00:00+08:00", "2023-07-08"), ("2023-07", "2023-07"), ("2023年7月8日", "2023-07-08"),
     ("2023/7/8", "2023-07-08"), ("2023-13-01", None), ("yesterday", None)],
)
def test_normalize_date(value, expected):
    assert normalize_date(value) == expected


def test_parse_iso_date_accepts_only_iso_forms():
    assert parse_iso_date("2024-02-29") == "2024-02-29"
    assert parse_iso_date("2024-05") == "2024-05"
    assert parse_iso_date("2023-02-29") is None
    assert parse_iso_date("2024/05/01") is None


# --- .txt -------------------------------------------------------------------------------------

def test_txt_first_line_is_the_headline_and_the_name_is_the_id(tmp_path):
    path = tmp_path / "a1.b.txt"
    path.write_text("标题一行\n2023-03-14 18:05\n正文第一段。\n", encoding="utf-8")
    [article] = read_all(path)
    assert (article.id, article.title, article.text) == ("a1.b", "标题一行", "2023-03-14 18:05\n正文第一段。\n")
    assert article.published_at == "2023-03-14"
    assert article.source == str(path)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "big5", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_txt_in_any_encoding(tmp_path, encoding):
    text = "宏達電執行長梅特爾請辭\n2020/09/04 08:30\n執行長暨總經理梅特爾請辭，董事會已通過其辭任。\n"
    (tmp_path / "x.txt").write_bytes(text.encode(encoding))
    [article] = read_all(tmp_path / "x.txt")
    assert article.title == "宏達電執行長梅特爾請辭"
    assert article.text == text.split("\n", 1)[1]
    assert article.published_at == "2020-09-04"


def test_published_at_given_by_the_caller_fills_only_missing_dates(tmp_path):
    (tmp_path / "dated.txt").write_text("题\n2021年11月11日\n正文\n", encoding="utf-8")
    (tmp_path / "undated.txt").write_text("题\n正文\n", encoding="utf-8")
    dates = {a.id: a.published_at for a in read_all(tmp_path, published_at="2024-01-02")}
    assert dates == {"dated": "2021-11-11", "undated": "2024-01-02"}


@pytest.mark.parametrize(
    ("data", "stage", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(300), "decode", "binary"),
        (b"", "parse", "empty"),
        ("只有标题\n".encode("utf-8"), "parse", "no text after the headline"),
    ],
)
def test_bad_txt_files_become_errors(tmp_path, data, stage, reason):
    (tmp_path / "bad.txt").write_bytes(data)
    [error] = read_all(tmp_path / "bad.txt")
    assert isinstance(error, ErrorRecord)
    assert (error.article_id, error.stage) == ("bad", stage)
    assert reason in error.reason


def test_a_file_over_the_size_limit_is_an_error_without_being_read(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as stream:
        stream.truncate(50 * 2**20)  # 50 MB, sparse: the size check must come before any read
    [error] = read_all(path)
    assert (error.article_id, error.stage) == ("huge", "read")
    assert "10 MB size limit" in error.reason


def test_an_unreadable_file_is_an_error_and_the_rest_go_on(tmp_path):
    (tmp_path / "a.txt").symlink_to(tmp_path / "gone.txt")
    (tmp_path / "b.txt").write_text("题\n正文\n", encoding="utf-8")
    error, article = read_all(tmp_path)
    assert (error.article_id, error.stage) == ("a", "read")
    assert article.id == "b"


# --- folders ----------------------------------------------------------------------------------

def test_folders_are_walked_recursively_in_sorted_order_skipping_unknown_kinds(tmp_path):
    for name in ["b/2.txt", "b/1.htm", "a.txt", "c/z.jsonl", "c/notes.md", "image.png"]:
        path = tmp_path / name
        path.parent.mkdir(exist_ok=True)
        if name.endswith(".jsonl"):
            jsonl(path, [{"id": "z1", "text": "正文"}])
        elif name.endswith(".htm"):
            path.write_text("<html><body><article><p>" + "正文很长。" * 30 + "</p></article></body></html>",
                            encoding="utf-8")
        else:
            path.write_text("题\n正文\n", encoding="utf-8")
    assert [a.id for a in read_all(tmp_path)] == ["a", "1", "2", "z1"]


def test_an_explicitly_named_file_of_unknown_kind_is_read_as_text(tmp_path):
    (tmp_path / "story.md").write_text("标题\n正文\n", encoding="utf-8")
    [article] = read_all(tmp_path / "story.md")
    assert (article.id, article.title) == ("story", "标题")


# --- .html ------------------------------------------------------------------------------------

BODY = ["滴滴前高级副总裁付强已加盟自动驾驶企业蘑菇车联，担任总裁，主抓人工智能业务的战略落地与商业化。",
        "他在2014年加入滴滴，从代驾业务做起，半年内把这块业务做到了市场第一。",
        "2023年春天，付强告别滴滴，同年3月出任满帮集团首席运营官。"]
BODY_TRADITIONAL = ["宏達電昨日在公開資訊觀測站發布重大訊息，執行長暨總經理梅特爾請辭，董事會已通過其辭任。",
                    "梅特爾去年9月17日才走馬上任，任期不滿一年，公司說明疫情改變了商業活動。",
                    "這是王雪紅第二度兼任執行長，她首度兼任是在2012年至2015年間。"]


def page(charset: str = "utf-8", meta_date: str | None = None, dateline: str | None = None,
         body: list[str] = BODY) -> str:
    meta = f'<meta property="article:published_time" content="{meta_date}">' if meta_date else ""
    paragraphs = ([f"<p>{dateline}</p>"] if dateline else []) + [f"<p>{p}</p>" for p in body]
    return (f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{body[0][:12]} - News</title>{meta}'
            f'</head><body><nav><a href="/">Home</a><a href="/tech">Tech</a></nav><article><h1>{body[0][:12]}</h1>'
            f'{"".join(paragraphs)}</article><footer>Copyright ICP 12345678</footer></body></html>')


def test_html_main_text_title_and_metadata_date(tmp_path):
    (tmp_path / "p.html").write_text(page(meta_date="2025-10-14T10:26:00+08:00"), encoding="utf-8")
    [article] = read_all(tmp_path / "p.html")
    assert article.id == "p"
    assert BODY[0][:12] in article.title
    for paragraph in BODY:
        assert paragraph in article.text
    assert "Home" not in article.text and "Copyright" not in article.text
    assert article.published_at == "2025-10-14"


def test_html_without_metadata_falls_back_to_the_dateline_then_to_nothing(tmp_path):
    (tmp_path / "dated.html").write_text(page(dateline="2025-10-14 10:26\u3000出行快讯"), encoding="utf-8")
    (tmp_path / "undated.html").write_text(page(), encoding="utf-8")
    dates = {a.id: a.published_at for a in read_all(tmp_path)}
    assert dates == {"dated": "2025-10-14", "undated": None}


@pytest.mark.parametrize(("charset", "body"), [("gbk", BODY), ("gb2312", BODY), ("big5", BODY_TRADITIONAL)])
def test_html_in_a_declared_legacy_charset(tmp_path, charset, body):
    (tmp_path / "p.htm").write_bytes(page(charset=charset, body=body).encode(charset))
    [article] = read_all(tmp_path / "p.htm")
    for paragraph in body:
        assert paragraph in article.text


def test_html_without_text_is_a_parse_error(tmp_path):
    (tmp_path / "empty.html").write_text("<html><head><title>t</title></head><body></body></html>", encoding="utf-8")
    [error] = read_all(tmp_path / "empty.html")
    assert (error.article_id, error.stage) == ("empty", "parse")


# --- .jsonl and stdin -------------------------------------------------------------------------

def test_jsonl_records_and_their_dates(tmp_path):
    path = jsonl(tmp_path / "batch.jsonl", [
        {"id": "r1", "title": "标题", "text": "2021年11月11日\n正文", "published_at": "2023-07", "url": "https://x/1"},
        {"id": "r2", "title": "标题", "text": "2021年11月11日\n正文", "published_at": None, "url": None},
        {"id": "r3", "text": "正文", "extra": "ignored"},
    ])
    r1, r2, r3 = read_all(path, published_at="2020-01-01")
    assert (r1.id, r1.title, r1.url, r1.published_at, r1.source) == ("r1", "标题", "https://x/1", "2023-07", f"{path}:1")
    assert r2.published_at == "2021-11-11"  # the record gives none: the dateline does
    assert (r3.title, r3.published_at) == ("", "2020-01-01")


def test_bad_jsonl_lines_become_errors_and_reading_goes_on(tmp_path):
    path = jsonl(tmp_path / "b.jsonl", [
        {"id": "ok1", "text": "正文"},
        '{"id": "broken1", "text": "正文',
        "{not json at all",
        "",
        {"id": "no_text"},
        {"id": "empty_text", "text": "  \n "},
        {"text": "正文"},
        ["a", "list"],
        {"id": 7, "text": "正文"},
    ])
    items = read_all(path)
    assert [(i.article_id, i.stage) if isinstance(i, ErrorRecord) else i.id for i in items] == [
        "ok1",
        ("broken1", "parse"),
        (f"{path}:3", "parse"),
        ("no_text", "parse"),
        ("empty_text", "parse"),
        (f"{path}:7", "parse"),
        (f"{path}:8", "parse"),
        "7",
    ]
    assert "line 2: not valid JSON" in items[1].reason


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk", "big5", "utf-16"])
def test_jsonl_in_other_encodings(tmp_path, encoding):
    records = [{"id": "a", "text": "執行長請辭，董事會已通過。"}, {"id": "b", "text": "王雪紅兼任執行長"}]
    path = jsonl(tmp_path / "e.jsonl", records, encoding=encoding)
    assert [(a.id, a.text) for a in read_all(path)] == [(r["id"], r["text"]) for r in records]


def test_an_over_long_record_is_an_error_and_the_next_is_read(tmp_path):
    path = jsonl(tmp_path / "big.jsonl", [
        {"id": "big", "text": "长" * 5000},
        {"id": "small", "text": "正文"},
    ])
    big, small = read_all(path, max_bytes=4096)
    assert (big.article_id, big.stage) == ("big", "read")
    assert "size limit" in big.reason
    assert small.id == "small"


def test_a_50_mb_record_streams_past_in_bounded_memory(tmp_path):
    path = tmp_path / "huge.jsonl"
    with open(path, "wb") as stream:
        stream.write(b'{"id": "huge", "text": "')
        chunk = ("长" * 2**18).encode("utf-8")  # 768 KB
        for _ in range(67):  # about 50 MB
            stream.write(chunk)
        stream.write('"}\n{"id": "after", "text": "正文"}\n'.encode("utf-8"))
    tracemalloc.start()
    try:
        items = read_all(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [(i.article_id, i.stage) if isinstance(i, ErrorRecord) else i.id for i in items] == [
        ("huge", "read"), "after"]
    assert peak < 25 * 2**20


def test_stdin_is_read_as_json_lines(monkeypatch):
    data = b'{"id": "s1", "text": "\xe6\xad\xa3\xe6\x96\x87"}\n{"id": "s2"}\n'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(data))))
    article, error = read_all("-")
    assert (article.id, article.text, article.source) == ("s1", "正文", "<stdin>:1")
    assert (error.article_id, error.stage, error.source) == ("s2", "parse", "<stdin>:2")


def test_inputs_are_read_lazily(tmp_path):
    path = jsonl(tmp_path / "lazy.jsonl", [{"id": "first", "text": "正文"}, {"id": "second", "text": "正文"}])
    items = iter_inputs([str(path)])
    assert next(items).id == "first"
    os.remove(path)  # already open: the rest is still read from the open file, one line at a time
    assert next(items).id == "second"
