"""The review web app (Starlette + Jinja2): article list, article pages, judging, merged departures.

Safe by default:
- every write is a POST carrying the page's CSRF token, compared server-side in constant time; a POST
  whose Origin header names another site is refused too;
- requests must name an allowed host (the loopback names, or the host the server was bound to), so a
  web page cannot reach the server through a domain name rebound to 127.0.0.1;
- templates escape every value (autoescape on), and a Content-Security-Policy lets the browser run only
  the app's own script and style: article text holding `<script>` is shown as text and never runs;
- the only files served are the app's own stylesheet and script, by fixed name: no path reaches the disk.
"""
from __future__ import annotations

import functools
import hmac
import secrets
import uuid
from collections import Counter
from collections.abc import Sequence
from importlib import resources
from typing import Any, Optional
from urllib.parse import quote, urlencode, urlsplit

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..models import DepartureEvent
from extractor.evaluation.scoring import FIELDS
from .corpus import ReviewCorpus, evidence_spans, segments, spans_outside
from .judgments import (
    GOLD_FIELDS,
    CorrectionError,
    Judgment,
    SourceSpan,
    form_values,
    gold_from_event,
    gold_from_form,
)
from .store import JudgmentStore
from .views import (
    ArticleScoring,
    Filters,
    article_rows,
    corpus_totals,
    disagreements,
    event_views,
    organizations,
    score_one,
)

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
_ASSETS = {"review.css": "text/css; charset=utf-8", "review.js": "text/javascript; charset=utf-8"}
_SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; "
     b"base-uri 'none'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
CSRF_FIELD = "csrf_token"


class _SecurityHeaders:
    """Adds the headers above to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *_SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def allowed_hosts(host: str) -> list[str]:
    """Host names requests may use: loopback, plus `host` itself; any for a wildcard bind (0.0.0.0, ::)."""
    if host in ("0.0.0.0", "::", ""):
        return ["*"]
    return list(dict.fromkeys([*LOOPBACK_HOSTS, host, f"[{host}]" if ":" in host else host]))


def article_url(article_id: str) -> str:
    return "/articles/" + quote(article_id, safe="")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("extractor.review", "templates"),
        autoescape=True,  # every template, whatever its name: article text is untrusted
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["article_url"] = article_url
    env.filters["f3"] = lambda value: "" if value is None else f"{value:.3f}"
    return env


def make_app(corpus: ReviewCorpus, store: JudgmentStore, *, hosts: Sequence[str] = LOOPBACK_HOSTS,
             csrf_token: Optional[str] = None) -> Starlette:
    """The app over a loaded corpus and a judgment store; `hosts` are the Host names it answers."""
    token = csrf_token or secrets.token_urlsafe(32)
    templates = Jinja2Templates(env=_environment())
    assets = {name: (resources.files("extractor.review") / "assets" / name).read_bytes() for name in _ASSETS}
    known_articles = set(corpus.article_ids())

    @functools.lru_cache(maxsize=None)
    def scoring_of(article_id: str) -> ArticleScoring:
        # the corpus does not change while the app runs: each article is scored once
        gold = corpus.gold.get(article_id) if corpus.gold is not None else None
        return score_one(article_id, gold, corpus.events.get(article_id, []))

    def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
        base = {"csrf_token": token, "csrf_field": CSRF_FIELD, "source": corpus.source,
                "store": store.location, "has_departures": corpus.departures is not None,
                "has_gold": corpus.gold is not None}
        return templates.TemplateResponse(request, name, {**base, **context}, status_code=status_code)

    async def checked_form(request: Request) -> FormData:
        origin = request.headers.get("origin")
        if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host"):
            raise HTTPException(403, "cross-site request refused")
        form = await request.form()
        given = form.get(CSRF_FIELD)
        if not isinstance(given, str) or not hmac.compare_digest(given.encode(), token.encode()):
            raise HTTPException(403, "missing or wrong CSRF token: reload the page and try again")
        return form

    def article_list(request: Request) -> Response:
        params = request.query_params
        filters = Filters(params.get("organization", ""), params.get("date", "").strip(),
                          params.get("certainty", ""))
        sort, order = params.get("sort", ""), params.get("order", "asc")
        judged = Counter(j.article_id for j in store.all())
        rows = article_rows(corpus, judged, filters, sort, descending=order == "desc", scoring=scoring_of)
        kept = {k: v for k, v in params.items() if k in ("organization", "date", "certainty") and v}

        def sort_link(key: str) -> str:
            flip = "desc" if sort == key and order == "asc" else "asc"
            return "?" + urlencode({**kept, "sort": key, "order": flip})

        return render(request, "articles.html", {
            "rows": rows, "filters": filters, "organizations": organizations(corpus),
            "totals": corpus_totals(rows), "sort": sort, "order": order, "sort_link": sort_link,
            "total_events": sum(len(e) for e in corpus.events.values()), "unreadable": corpus.unreadable,
        })

    def article_context(article_id: str, error: Optional[str] = None,
                        error_for: Optional[str] = None) -> dict[str, Any]:
        article = corpus.articles.get(article_id)
        events = corpus.events.get(article_id, [])
        gold = corpus.gold.get(article_id) if corpus.gold is not None else None
        scoring = scoring_of(article_id) if corpus.gold is not None else None
        judgments = store.for_article(article_id)
        views = event_views(events, gold, scoring, judgments)
        corrections = {}
        for view in views:
            judged = view.judgment
            source = judged.gold if judged is not None and judged.gold is not None else gold_from_event(view.event)
            corrections[view.event.event_id] = form_values(source)
        return {
            "article_id": article_id, "article": article, "views": views, "scoring": scoring,
            "fields": FIELDS, "gold_fields": GOLD_FIELDS, "corrections": corrections,
            "segments": segments(article.text, evidence_spans(events)) if article else [],
            "outside": spans_outside(article.text, events) if article else 0,
            "missed_judgments": sorted((j for j in judgments.values() if j.verdict == "missed"),
                                       key=lambda j: (j.position is None, j.position or 0)),
            "error": error, "error_for": error_for,
        }

    def article_page(request: Request) -> Response:
        article_id = request.path_params["article_id"]
        if article_id not in known_articles:
            raise HTTPException(404, f"no article {article_id!r} in this review")
        return render(request, "article.html", article_context(article_id))

    def new_judgment(form: FormData, article_id: str) -> Judgment:
        action = str(form.get("action", ""))
        article = corpus.articles.get(article_id)
        gold_article = corpus.gold.get(article_id) if corpus.gold is not None else None
        published_at = (article.published_at if article else None) or (
            gold_article.published_at if gold_article else None)
        values = {name: str(form.get(name, "")) for name in (*GOLD_FIELDS, "optional")}
        if action == "missed":
            span = _selected_span(form, article.text if article else None)
            return Judgment(judgment_id=f"missed-{uuid.uuid4().hex[:16]}", article_id=article_id,
                            verdict="missed", gold=gold_from_form(values, span.text if span else None),
                            span=span, position=span.start if span else None, published_at=published_at)
        event = corpus.event(article_id, str(form.get("event_id", "")))
        if event is None:
            raise HTTPException(404, "no such event in this article")
        if action == "accept":
            gold = gold_from_event(event)
        elif action == "correct":
            gold = gold_from_form(values, event.evidence[0].text if event.evidence else None)
        elif action == "reject":
            gold = None
        else:
            raise HTTPException(400, f"unknown action {action!r}")
        return Judgment(judgment_id=event.event_id or "", article_id=article_id, event_id=event.event_id,
                        verdict=action, gold=gold, position=_position(event), published_at=published_at)

    async def judge(request: Request) -> Response:
        form = await checked_form(request)
        article_id = str(form.get("article_id", ""))
        if article_id not in known_articles:
            raise HTTPException(404, f"no article {article_id!r} in this review")
        anchor = ""
        if form.get("action") == "withdraw":
            judgment_id = str(form.get("judgment_id", ""))
            if judgment_id not in await run_in_threadpool(store.for_article, article_id):
                raise HTTPException(404, "no such judgment in this article")
            await run_in_threadpool(store.withdraw, judgment_id)
        else:
            try:
                judgment = new_judgment(form, article_id)
            except CorrectionError as exc:
                target = str(form.get("event_id", "")) or "missed"
                context = await run_in_threadpool(article_context, article_id, str(exc), target)
                return render(request, "article.html", context, status_code=422)
            await run_in_threadpool(store.save, judgment)
            anchor = f"#event-{judgment.event_id}" if judgment.event_id else "#missed"
        return RedirectResponse(article_url(article_id) + anchor, status_code=303)

    def departure_list(request: Request) -> Response:
        if corpus.departures is None:
            raise HTTPException(404, "departures are shown when reviewing a database (--db)")
        only_conflicts = request.query_params.get("conflict") == "1"
        departures = [d for d in corpus.departures if d["conflict"] or not only_conflicts]
        return render(request, "departures.html", {"departures": departures, "only_conflicts": only_conflicts})

    def departure_page(request: Request) -> Response:
        departure = corpus.departure(request.path_params["departure_id"])
        if departure is None:
            raise HTTPException(404, "no such departure")
        dates, destinations = disagreements(departure)
        return render(request, "departure.html", {
            "d": departure, "events": corpus.events_by_id(), "known_articles": known_articles,
            "disagreeing_dates": dates, "disagreeing_destinations": destinations})

    def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in _ASSETS:
            raise HTTPException(404)
        return Response(assets[name], media_type=_ASSETS[name])

    routes = [
        Route("/", article_list, name="articles"),
        Route("/articles/{article_id:path}", article_page, name="article"),
        Route("/judge", judge, methods=["POST"], name="judge"),
        Route("/departures", departure_list, name="departures"),
        Route("/departures/{departure_id}", departure_page, name="departure"),
        Route("/assets/{name}", asset, name="asset"),
        # browsers ask for it unprompted; answering "nothing" keeps a 404 out of every page's console
        Route("/favicon.ico", lambda request: Response(status_code=204)),
    ]
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=list(hosts)), Middleware(_SecurityHeaders)]
    return Starlette(routes=routes, middleware=middleware)


def _position(event: DepartureEvent) -> Optional[int]:
    offsets = [ev.source_start if ev.source_start is not None else ev.start for ev in event.evidence]
    return min(offsets) if offsets else None


def _selected_span(form: FormData, text: Optional[str]) -> Optional[SourceSpan]:
    """The selection sent with a missed event, checked against the article: its text is taken from
    the article itself, never from the request."""
    start, end = str(form.get("start", "")).strip(), str(form.get("end", "")).strip()
    if not start and not end:
        return None
    if text is None:
        raise CorrectionError("a selection needs the article's text (give --articles)")
    try:
        first, last = int(start), int(end)
    except ValueError:
        raise CorrectionError("the selection's offsets are not numbers") from None
    if not 0 <= first < last <= len(text):
        raise CorrectionError(f"the selection {first}-{last} is outside the article's text")
    return SourceSpan(start=first, end=last, text=text[first:last])
