"""Patrols 巡查 (000 二.6: the desk walks the estate every morning and afternoon and records what is abnormal; 002:
the supervisor's rounds). Routes, their checkpoints and the times a round is due are configuration
(settings.patrols).

A round is written once when it starts; each checkpoint's result (ok, or abnormal with a note) is a row of its own,
once per checkpoint; the end is a row; an abnormal finding made into a ticket is linked by a row written in the
transaction that opened the ticket. The ticket itself is the ticket service's (above this package in the layers):
the container hands this register a `ticket_opener` that opens one inside the caller's transaction. A scheduled
time with no round started within settings.patrols.grace_minutes of it is a missed round, from the day of the
desk's first round in deskui on (a desk not keeping its patrols here is not told every day that it missed them).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlmodel import Session

from deskui.core.config import PatrolPoint, PatrolRoute
from deskui.core.errors import Conflict, NotFound, ValidationError
from deskui.core.i18n import N_, get_language, t
from deskui.models import PatrolCheck, PatrolEnd, PatrolRound, PatrolTicket, Ticket
from deskui.services.common.sitetext import site_text
from deskui.services.context import DeskContext
from deskui.services.operators import OperatorInfo
from deskui.services.registers._common import NOTE_CHARS, RegisterBase, text, who
from deskui.services.registers._types import AlreadyDone

_ROUND = PatrolRound.__table__  # type: ignore[attr-defined]
_CHECK = PatrolCheck.__table__  # type: ignore[attr-defined]
_END = PatrolEnd.__table__  # type: ignore[attr-defined]
_LINK = PatrolTicket.__table__  # type: ignore[attr-defined]
_TICKET = Ticket.__table__  # type: ignore[attr-defined]

ROUND_STATES = {
    "in_progress": N_("Under way"),
    "complete": N_("Complete"),
    "incomplete": N_("Ended with checkpoints not checked"),
}
SCHEDULE_STATES = {
    "done": N_("Done"),
    "missed": N_("Missed"),
    "due": N_("Due now"),
    "upcoming": N_("Not due yet"),
}
CHECK_STATES = {"ok": N_("OK"), "abnormal": N_("Abnormal")}


@dataclass(frozen=True)
class CheckInfo:
    """One checkpoint's result; an abnormal one may have become a ticket."""

    id: int
    point: str  # the checkpoint's key (settings.patrols)
    state: str  # ok | abnormal
    note: str
    checked_at: datetime
    operator: str
    ticket_id: int | None
    ticket_number: str

    @property
    def ok(self) -> bool:
        return self.state == "ok"


@dataclass(frozen=True)
class RoundInfo:
    """One round: `remaining` are its route's checkpoints not checked yet, in walking order."""

    id: int
    route: str  # the route's key
    operator: str
    started_at: datetime
    ended_at: datetime | None
    ended_by: str
    state: str  # in_progress | complete | incomplete
    checks: tuple[CheckInfo, ...]
    remaining: tuple[str, ...]

    @property
    def next_point(self) -> str | None:
        return self.remaining[0] if self.remaining and self.ended_at is None else None

    @property
    def abnormal(self) -> tuple[CheckInfo, ...]:
        return tuple(c for c in self.checks if not c.ok)


@dataclass(frozen=True)
class ScheduledRound:
    """A round the schedule expects: done (by `round_id`), missed, due now, or later."""

    route: str
    scheduled_at: datetime
    due_by: datetime  # a round not started by then is missed
    round_id: int | None
    state: str  # done | missed | due | upcoming


@dataclass(frozen=True)
class Finding:
    """An abnormal checkpoint with its round's route: what a ticket is opened from."""

    id: int  # the check's id
    round_id: int
    route: str
    point: str
    note: str
    checked_at: datetime
    operator: str
    ticket_id: int | None
    ticket_number: str


@dataclass(frozen=True)
class TicketRequest:
    """What the register asks the ticket service for: a ticket at a place, with a description."""

    place: str
    description: str
    facts: Mapping[str, Any] | None = None  # described in the reader's language when read (issue 12)


# Opens a ticket inside the given write transaction; returns (ticket id, ticket number). Set by the container.
TicketOpener = Callable[[Session, TicketRequest, OperatorInfo | None], tuple[int, str]]


def _fold(value: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", value).split()).casefold()


class PatrolRegister(RegisterBase):
    """Rounds of the configured routes: started, checked point by point, ended; missed ones; findings."""

    def __init__(self, ctx: DeskContext) -> None:
        super().__init__(ctx)
        self.ticket_opener: TicketOpener | None = None
        """Opens an abnormal finding's ticket (set by the container: the ticket service is above this package)."""

    # --- configuration -----------------------------------------------------------------------------------------

    def routes(self) -> tuple[PatrolRoute, ...]:
        return self.settings.patrols.routes

    def route(self, name: str | None) -> PatrolRoute:
        """A configured route by its key or either label, in any case; refused naming the routes otherwise."""
        wanted = _fold(name or "")
        for route in self.routes():
            if wanted in (_fold(route.key), _fold(route.zh), _fold(route.en)):
                return route
        names = ", ".join(r.key for r in self.routes()) or "-"
        if not wanted:
            raise ValidationError(t("Which route? The routes are: {names}", names=names), field="route")
        raise ValidationError(t("Unknown route {name}; the routes are: {names}", name=name, names=names), field="route")

    def _known_route(self, key: str) -> PatrolRoute | None:
        return next((r for r in self.routes() if r.key == key), None)

    def point(self, route: PatrolRoute, name: str | None) -> PatrolPoint:
        wanted = _fold(name or "")
        for point in route.checkpoints:
            if wanted in (_fold(point.key), _fold(point.zh), _fold(point.en)):
                return point
        names = ", ".join(p.key for p in route.checkpoints)
        raise ValidationError(
            t(
                "{route} has no checkpoint {name}; its checkpoints are: {names}",
                route=route.key,
                name=name,
                names=names,
            ),
            field="point",
        )

    def route_label(self, key: str) -> str:
        route = self._known_route(key)
        return route.label(get_language()) if route else key

    def point_label(self, route_key: str, key: str) -> str:
        route = self._known_route(route_key)
        point = next((p for p in route.checkpoints if p.key == key), None) if route else None
        return point.label(get_language()) if point else key

    # --- reading -----------------------------------------------------------------------------------------------

    def _rounds_query(self) -> Select[Any]:
        return (
            select(_ROUND, _END.c.ended_at, _END.c.operator_name.label("ended_by"))
            .select_from(_ROUND.outerjoin(_END, _END.c.round_id == _ROUND.c.id))
            .where(_ROUND.c.site_id == self.site_id)
        )

    def _checks(self, s: Session, round_ids: list[int]) -> dict[int, list[CheckInfo]]:
        out: dict[int, list[CheckInfo]] = {i: [] for i in round_ids}
        if not round_ids:
            return out
        q = (
            select(_CHECK, _LINK.c.ticket_id, _TICKET.c.number.label("ticket_number"))
            .select_from(
                _CHECK.outerjoin(_LINK, _LINK.c.check_id == _CHECK.c.id).outerjoin(
                    _TICKET, _TICKET.c.id == _LINK.c.ticket_id
                )
            )
            .where(_CHECK.c.site_id == self.site_id, _CHECK.c.round_id.in_(round_ids))
            .order_by(_CHECK.c.checked_at, _CHECK.c.id)
        )
        for r in s.execute(q):
            out[r.round_id].append(
                CheckInfo(
                    r.id,
                    r.point_key,
                    "ok" if r.ok else "abnormal",
                    r.note,
                    r.checked_at,
                    r.operator_name,
                    r.ticket_id,
                    r.ticket_number or "",
                )
            )
        return out

    def _infos(self, s: Session, rows: Iterable[Any]) -> list[RoundInfo]:
        rows = list(rows)
        checks = self._checks(s, [r.id for r in rows])
        out = []
        for r in rows:
            done = {c.point for c in checks[r.id]}
            route = self._known_route(r.route_key)
            remaining = tuple(p.key for p in route.checkpoints if p.key not in done) if route else ()
            state = "in_progress" if r.ended_at is None else ("incomplete" if remaining else "complete")
            out.append(
                RoundInfo(
                    r.id,
                    r.route_key,
                    r.operator_name,
                    r.started_at,
                    r.ended_at,
                    r.ended_by or "",
                    state,
                    tuple(checks[r.id]),
                    remaining,
                )
            )
        return out

    def _get(self, s: Session, round_id: int) -> RoundInfo:
        row = s.execute(self._rounds_query().where(_ROUND.c.id == round_id)).first()
        if row is None:
            raise NotFound(t("No patrol round #{id}", id=round_id), field="round")
        return self._infos(s, [row])[0]

    def get(self, round_id: int) -> RoundInfo:
        with self.db.read() as s:
            return self._get(s, round_id)

    def rounds(self, day: date | None = None) -> list[RoundInfo]:
        """The rounds started on one local day (default today), in the order they started."""
        start, end = self.day_bounds(day or self.today())
        q = self._rounds_query().where(_ROUND.c.started_at >= start, _ROUND.c.started_at < end)
        with self.db.read() as s:
            return self._infos(s, s.execute(q.order_by(_ROUND.c.started_at, _ROUND.c.id).limit(self.limit)))

    def open_rounds(self) -> list[RoundInfo]:
        """Rounds started and never ended, the oldest first."""
        q = self._rounds_query().where(_END.c.id.is_(None)).order_by(_ROUND.c.started_at, _ROUND.c.id)
        with self.db.read() as s:
            return self._infos(s, s.execute(q.limit(self.limit)))

    def today(self) -> date:
        return self.clock.now().astimezone(self.tz).date()

    # --- the schedule ------------------------------------------------------------------------------------------

    def schedule(self, day: date | None = None, *, now: datetime | None = None) -> list[ScheduledRound]:
        """The rounds the schedule expects on one local day, each matched with a round of its route started within
        the grace minutes either side of its time (a round counts once), in time order."""
        day = day or self.today()
        now = now or self.clock.now()
        grace = timedelta(minutes=self.settings.patrols.grace_minutes)
        start, end = self.day_bounds(day)
        first = self.first_day()
        if first is None or day < first:
            return []
        q = select(_ROUND.c.id, _ROUND.c.route_key, _ROUND.c.started_at).where(
            _ROUND.c.site_id == self.site_id,
            _ROUND.c.started_at >= start - grace,
            _ROUND.c.started_at < end + grace,
        )
        with self.db.read() as s:
            started = list(s.execute(q.order_by(_ROUND.c.started_at, _ROUND.c.id)))
        used: set[int] = set()
        out = []
        for route in self.routes():
            for at in route.times:
                when = datetime.combine(day, at, tzinfo=self.tz)
                found = next(
                    (
                        r
                        for r in started
                        if r.route_key == route.key
                        and r.id not in used
                        and when - grace <= r.started_at <= when + grace
                    ),
                    None,
                )
                if found is not None:
                    used.add(found.id)
                    state = "done"
                elif now > when + grace:
                    state = "missed"
                else:
                    state = "due" if now >= when - grace else "upcoming"
                out.append(ScheduledRound(route.key, when, when + grace, found.id if found else None, state))
        return sorted(out, key=lambda r: (r.scheduled_at, r.route))

    def first_day(self) -> date | None:
        """The local day of the desk's first round in deskui: the schedule holds from then on (a desk that does not
        keep its patrols here yet, or days before it did, have no missed rounds)."""
        with self.db.read() as s:
            first = s.execute(select(func.min(_ROUND.c.started_at)).where(_ROUND.c.site_id == self.site_id)).scalar()
        if first is None:
            return None
        moment = first if isinstance(first, datetime) else datetime.fromisoformat(str(first))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(self.tz).date()

    def missed(self, since: datetime, until: datetime, *, now: datetime | None = None) -> list[ScheduledRound]:
        """Scheduled rounds due in [since, until) that did not happen (as of `now`)."""
        first = since.astimezone(self.tz).date()
        last = until.astimezone(self.tz).date()
        out = []
        day = first
        while day <= last:
            out += [r for r in self.schedule(day, now=now) if r.state == "missed" and since <= r.scheduled_at < until]
            day += timedelta(days=1)
        return out

    # --- findings ----------------------------------------------------------------------------------------------

    def _findings_query(self) -> Select[Any]:
        return (
            select(
                _CHECK,
                _ROUND.c.route_key,
                _LINK.c.ticket_id,
                _TICKET.c.number.label("ticket_number"),
            )
            .select_from(
                _CHECK.join(_ROUND, _ROUND.c.id == _CHECK.c.round_id)
                .outerjoin(_LINK, _LINK.c.check_id == _CHECK.c.id)
                .outerjoin(_TICKET, _TICKET.c.id == _LINK.c.ticket_id)
            )
            .where(_CHECK.c.site_id == self.site_id, _CHECK.c.ok == False)  # noqa: E712
        )

    @staticmethod
    def _finding(r: Any) -> Finding:
        return Finding(
            r.id,
            r.round_id,
            r.route_key,
            r.point_key,
            r.note,
            r.checked_at,
            r.operator_name,
            r.ticket_id,
            r.ticket_number or "",
        )

    def finding(self, check_id: int) -> Finding:
        with self.db.read() as s:
            return self._get_finding(s, check_id)

    def _get_finding(self, s: Session, check_id: int) -> Finding:
        row = s.execute(self._findings_query().where(_CHECK.c.id == check_id)).first()
        if row is None:
            raise NotFound(t("No abnormal finding #{id}", id=check_id), field="check")
        return self._finding(row)

    def findings(
        self, since: datetime, until: datetime | None = None, *, without_ticket: bool = False
    ) -> list[Finding]:
        """Abnormal findings checked in [since, until), the oldest first; only those with no ticket if asked."""
        q = self._findings_query().where(_CHECK.c.checked_at >= since)
        if until is not None:
            q = q.where(_CHECK.c.checked_at < until)
        if without_ticket:
            q = q.where(_LINK.c.id.is_(None))
        with self.db.read() as s:
            return [self._finding(r) for r in s.execute(q.order_by(_CHECK.c.checked_at, _CHECK.c.id).limit(self.limit))]

    # --- writing -----------------------------------------------------------------------------------------------

    def start(self, route: str, *, operator: OperatorInfo | None = None) -> RoundInfo:
        """A round of a configured route starts now; returns it (its id is what checks and the end name)."""
        chosen = self.route(route)
        now = self.clock.now()
        with self.db.write() as s:
            self.lock(s)
            result = s.execute(
                _ROUND.insert().values(site_id=self.site_id, route_key=chosen.key, started_at=now, **who(operator))
            )
            return self._get(s, int(result.inserted_primary_key[0]))  # type: ignore[attr-defined]

    def _open_round(self, s: Session, round_id: int) -> RoundInfo:
        found = self._get(s, round_id)
        if found.ended_at is not None:
            raise AlreadyDone(
                t("Patrol round #{id} already ended at {when}", id=round_id, when=self.local(found.ended_at)),
                field="round",
            )
        return found

    def check(
        self,
        round_id: int,
        point: str,
        *,
        ok: bool,
        note: str = "",
        operator: OperatorInfo | None = None,
    ) -> RoundInfo:
        """One checkpoint of an open round: ok, or abnormal with a note of what was found. Once per checkpoint."""
        remark = text(note, t("Note"), max_chars=NOTE_CHARS)
        if not ok and not remark:
            raise ValidationError(t("What is abnormal? Give a note"), field="note")
        now = self.clock.now()
        with self.db.write() as s:
            self.lock(s)
            current = self._open_round(s, round_id)
            route = self._known_route(current.route)
            if route is None:
                raise ValidationError(
                    t("Route {route} is no longer configured; end the round", route=current.route), field="route"
                )
            chosen = self.point(route, point)
            done = next((c for c in current.checks if c.point == chosen.key), None)
            if done is not None:
                raise AlreadyDone(
                    t(
                        "{point} was already checked in round #{id} at {when}",
                        point=chosen.label(get_language()),
                        id=round_id,
                        when=self.local(done.checked_at),
                    ),
                    field="point",
                )
            s.execute(
                _CHECK.insert().values(
                    site_id=self.site_id,
                    round_id=round_id,
                    point_key=chosen.key,
                    ok=ok,
                    note=remark,
                    checked_at=now,
                    **who(operator),
                )
            )
            return self._get(s, round_id)

    def end(self, round_id: int, *, operator: OperatorInfo | None = None) -> RoundInfo:
        """The round is over (checkpoints not checked stay so: the round reads "ended with checkpoints not
        checked")."""
        now = self.clock.now()
        with self.db.write() as s:
            self.lock(s)
            self._open_round(s, round_id)
            s.execute(_END.insert().values(site_id=self.site_id, round_id=round_id, ended_at=now, **who(operator)))
            return self._get(s, round_id)

    def open_ticket(self, check_id: int, *, operator: OperatorInfo | None = None) -> Finding:
        """An abnormal finding becomes a ticket at its checkpoint, linked to it, in one transaction. Once."""
        if self.ticket_opener is None:
            raise Conflict(t("Tickets cannot be opened from here"))
        now = self.clock.now()
        with self.db.write() as s:
            self.lock(s)
            found = self._get_finding(s, check_id)
            if found.ticket_id is not None:
                raise AlreadyDone(
                    t("This finding already has the ticket {number}", number=found.ticket_number), field="check"
                )
            route = self._known_route(found.route)
            point = next((p for p in route.checkpoints if p.key == found.point), None) if route else None
            language = self.settings.language
            place = point.label(language) if point else found.point
            description = site_text(  # stored: the site's language, not the UI's of the moment (issue 12)
                language,
                "Patrol ({route}, round #{round} at {when}), {point}: {note}",
                route=route.label(language) if route else found.route,
                round=found.round_id,
                when=self.local(found.checked_at),
                point=place,
                note=found.note,
            )
            facts = {
                "kind": "patrol_finding",
                "route": found.route,
                "route_labels": {"en": route.en, "zh": route.zh} if route else {},
                "round": found.round_id,
                "when": self.local(found.checked_at),
                "point": found.point,
                "point_labels": {"en": point.en, "zh": point.zh} if point else {},
                "note": found.note,
            }
            ticket_id, _number = self.ticket_opener(s, TicketRequest(place, description, facts), operator)
            s.execute(
                _LINK.insert().values(
                    site_id=self.site_id, check_id=check_id, ticket_id=ticket_id, linked_at=now, **who(operator)
                )
            )
            return self._get_finding(s, check_id)
