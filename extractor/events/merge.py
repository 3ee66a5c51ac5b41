"""One event per (person, organization left) per article, merging what each mention contributes.

Candidates are merged in order of strength (an explicit departure word beats an implied move),
then text order: the first mention of a departure usually carries the fullest description.
A candidate with no organization joins the person's only event that has one.
"""
from __future__ import annotations

import hashlib
from typing import Callable

from ..models import DateValue, DepartureEvent, Evidence, FromSide, Person, Provenance, ToSide
from extractor.rulebook.lexicon import OrgEntry
from extractor.normalize.normalizer import NormalizedText
from .candidate import Candidate

_STRENGTH = {"explicit": 0, "post": 1, "implied": 2}
# posts that say the person founded the organization they are introduced with
FOUNDER_POSTS = ("创始人", "创办人", "联合创始人", "共同创办人", "联创", "创始合伙人")
_CERTAINTY_ORDER = {"confirmed": 0, "reported": 1, "rumored": 2}
_PRECISION = {"day": 3, "month": 2, "season": 1, "year": 0, None: -1}


def event_id(article_id: str, person: str, organization: str | None) -> str:
    key = "\x1f".join([article_id, person, organization or ""])
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def group_candidates(
    candidates: list[Candidate],
    dominant: Callable[[Candidate], tuple[OrgEntry, str] | None] = lambda cand: None,
) -> list[list[Candidate]]:
    """Group by (person, organization); `dominant(cand)` gives the organization the article is about
    and the rule that supports it for this candidate, for a person whose departure is told with no
    organization at all (本公司董事会收到…辞呈), or None where the candidate's paragraph does not
    support one. It is only asked when such a person exists, because it reads the whole article."""
    groups: dict[tuple[str, str | None], list[Candidate]] = {}
    for cand in candidates:
        key = (cand.person, cand.org.canonical if cand.org else None)
        groups.setdefault(key, []).append(cand)
    orphans = [key for key in groups if key[1] is None]
    for person, _ in orphans:
        homes = [key for key in groups if key[0] == person and key[1] is not None]
        if len(homes) == 1:
            groups[homes[0]].extend(groups.pop((person, None)))
        elif homes:
            # the same departure told again without its organization: keep the evidence, not a new event
            stray = groups.pop((person, None))
            # told with a departure word, it belongs with a departure told so, before a move implied
            nearest = min(homes, key=lambda k: (min(_STRENGTH[c.kind] for c in groups[k]),
                                                min(abs(c.sentence.start - s.sentence.start)
                                                    for c in groups[k] for s in stray)))
            groups[nearest].extend(stray)
        elif (found := dominant(groups[(person, None)][0])) is not None:
            about, rule = found
            stray = groups.pop((person, None))
            for cand in stray:
                cand.org = about
                cand.confidence -= 0.1
                cand.note("from.organization", about.canonical, rule)
            groups.setdefault((person, about.canonical), []).extend(stray)
    return list(groups.values())


def _first(values):  # type: ignore[no-untyped-def]
    return next((v for v in values if v), None)


def _profile_post(profile: list[tuple[str | None, str]], org: str | None) -> str | None:
    """The post the article gives the person at this organization, wherever it says so."""
    for known_org, post in profile:
        if known_org == org:
            return post
    return None


def build_event(
    article_id: str, group: list[Candidate], norm: NormalizedText, aliases: list[str],
    profile: list[tuple[str | None, str]] = (),  # type: ignore[assignment]
    joins: list[tuple] = (),  # type: ignore[assignment]
    units: list[tuple[str, str]] = (),  # type: ignore[assignment]
) -> DepartureEvent:
    ordered = sorted(group, key=lambda c: (_STRENGTH[c.kind], c.sentence.start))
    head = ordered[0]
    provenance = [Provenance(field=f, value=v, rule=r) for c in ordered for f, v, r in c.provenance]
    org = head.org or _first(c.org for c in ordered)
    # a date told in the event's own sentence beats one borrowed from the paragraph
    told_here = [c for c in ordered if c.time is not None and not any(
        f == "date" and r == "date.paragraph_context.v1" for f, _, r in c.provenance)]
    if told_here:
        ordered_for_time = told_here
    else:
        ordered_for_time = [c for c in ordered if c.time is not None]
    times = [c.time for c in ordered_for_time]
    # the most precise date of the strongest frame: 7月8日 beats 近期 for the same departure
    time = None
    if times:
        best_strength = min(_STRENGTH[c.kind] for c in ordered_for_time)
        pool = [c.time for c in ordered_for_time if _STRENGTH[c.kind] == best_strength]
        time = pool[0]
        for other in pool[1:]:
            # 近期 (2023-07) and 7月8日 (2023-07-08) tell the same departure: keep the more precise
            if other.value and time.value and other.value.startswith(time.value) and \
                    _PRECISION[other.precision] > _PRECISION[time.precision]:
                time = other
    to_org_cand = _first(c for c in ordered if c.to_org and (org is None or c.to_org != org.canonical))
    to_kind = to_org_cand.to_kind if to_org_cand else _first(c.to_kind for c in ordered)
    to_org, to_position = (to_org_cand.to_org, to_org_cand.to_position) if to_org_cand else (None, None)
    if to_org is None and joins:
        # the next move the article tells of this person, in the same or the next paragraph
        first = min(ordered, key=lambda c: c.sentence.start).sentence
        def not_before(j: tuple) -> bool:  # 1998年加入华为 is a career step, not where they went
            return j[5] is None or time is None or not time.value or (j[5].value or "") >= time.value[:len(j[5].value or "")]

        later = [j for j in joins if j[1] >= first.start and j[0] <= first.paragraph + 2
                 and (org is None or j[2] != org.canonical) and not_before(j)]
        told_first = False
        if not later:
            # 任命唐嘉年为首席执行官…这意味着他将告别家乐福: the move told first in the same paragraph
            later = [j for j in joins if j[0] == first.paragraph and j[1] < first.start
                     and (org is None or j[2] != org.canonical) and not_before(j)]
            told_first = bool(later)
        if later:
            _, _, to_org, to_position, join_kind, join_time = min(later, key=lambda j: j[1])
            to_kind = to_kind if to_kind == "startup" else join_kind
            if time is None and join_time is not None and join_kind != "startup" and not told_first:
                time = join_time  # the article gives the joining date only; a founding date is not one
                provenance.append(Provenance(field="date", value=time.value, rule="date.join_statement.v1"))
    if to_org is None and org is not None:
        # 摩尔线程创始人张建中…离开前是英伟达的副总裁: the company the person is introduced as founder of
        # is where they went, a new venture
        founded = next((o for o, post in profile if o and o != org.canonical and post.endswith(FOUNDER_POSTS)), None)
        if founded is not None:
            to_org, to_kind = founded, "startup"
            provenance.append(Provenance(field="to.organization", value=founded, rule="destination.founder_profile.v1"))
    certainty = min((c.certainty for c in ordered), key=lambda c: _CERTAINTY_ORDER[c])
    sentences = sorted({c.sentence.start: c.sentence for c in ordered}.values(), key=lambda s: s.start)
    evidence = []
    for sentence in sentences:
        s_start, s_end = norm.source_span(sentence.start, sentence.end)
        evidence.append(Evidence(text=sentence.text, start=sentence.start, end=sentence.end,
                                 source_start=s_start, source_end=s_end))
    unit = _first(c.unit for c in ordered if c.org is None or org is None or c.org.canonical == org.canonical)
    if unit is None and org is not None:
        # a unit told of the person without its organization (a group's member) fits any other organization
        unit = next((u for o, u in units if o == org.canonical or (o is None and u != org.canonical)), None)
        if unit is not None:
            provenance.append(Provenance(field="from.unit", value=unit, rule="unit.person_profile.v1"))
    position = _first(c.position for c in ordered)
    # 副行长兼首席信息官X…申请辞去副行长职务: the post named as what was given up is the one left
    given_up = [v for c in ordered for f, v, r in c.provenance if f == "from.position" and r == "position.trigger_object.v1"]
    narrower = next((v for v in given_up if position and v != position and v in position), None)
    if narrower is not None:
        position = narrower
    if position is None and profile:
        position = _profile_post(profile, org.canonical if org else None)
        if position is not None:
            provenance.append(Provenance(field="from.position", value=position, rule="position.person_profile.v1"))
    confidence = max(c.confidence for c in ordered)
    if len(ordered) > 1:
        confidence = min(1.0, confidence + 0.05)
    return DepartureEvent(
        event_id=event_id(article_id, head.person, org.canonical if org else None),
        article_id=article_id,
        person=Person(name=head.person, aliases=aliases),
        from_=FromSide(
            organization=org.canonical if org else None,
            unit=unit,
            position=position,
            rank=_first(c.rank for c in ordered),
        ),
        to=ToSide(
            organization=to_org,
            position=to_position,
            kind=to_kind or "unknown",  # type: ignore[arg-type]
        ),
        date=DateValue(text=time.text if time else None, value=time.value if time else None,
                       precision=time.precision if time else None),  # type: ignore[arg-type]
        reason=_first(c.reason for c in ordered),
        certainty=certainty,  # type: ignore[arg-type]
        evidence=evidence,
        confidence=round(confidence, 2),
        provenance=provenance,
    )
