"""`deskui archive`: the years past retention written to one signed, self-contained archive file (issue 14).

Retention (settings.retention, core/defaults.toml): `help_register_years` (2; 003 4.10 《住户求助登记表》于次年年初归入
物业公司统一归档,保存期2年) and `duty_log_years` (3; 003 4.1.8 《值班记录》…保存期3年). Both count whole calendar years
in the site's time zone: in 2026 with 2 years the desk keeps 2024, 2025 and 2026, and 2023 and earlier are past
retention (the 2023 register went to the archive at the start of 2024 and was kept two years from then).

The file is a ZIP: one JSON member per table, each a JSON array with one object per line, the rows exactly as stored
(`ticket` rows of kind help, their `ticketevent` and `ticketcall` rows, `dutylog` entries with their hashes, seals
and payloads), `help-register.json` (the register's records, services.admin._help_register, phones whole) and
`manifest.json`: format, site, who wrote it and when, the retention in force, the ranges, and each member's row
count and SHA-256. The archive's SHA-256 is that of the manifest's canonical JSON without the `sha256` and `seal`
keys, so it covers every member; the seal is HMAC-SHA256 of it with the site key that seals signed handovers
(services.common.anchors.Keeper; its own prefix, so an archive seal can never pass for an entry's). `verify`
recomputes everything, re-links the archived duty-log entries' chain, and checks the seal with this desk's key.

Each archive written is recorded in the append-only `archive` table (migration 0015). Nothing is removed from the
database: the append-only tables' DELETE triggers refuse it, and letting a delete through for rows inside a recorded
archive's range is left for later (README "Archive"); `plan` says what such a removal would take out.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from deskui.core.errors import ValidationError
from deskui.core.i18n import t
from deskui.models import Archive, DutyLogEntry, Site, Ticket, TicketCall, TicketEvent
from deskui.services.admin._help_register import HELP_KIND, HelpRegister, record, year_start
from deskui.services.common import anchors
from deskui.services.common.exportfiles import private_file
from deskui.services.context import ContextService, DeskContext
from deskui.services.operators import OperatorInfo

FORMAT = "deskui-archive-v1"
MANIFEST = "manifest.json"
_SEAL_PREFIX = "archive-v1:"

_A = Archive.__table__  # type: ignore[attr-defined]
_T = Ticket.__table__  # type: ignore[attr-defined]
_E = TicketEvent.__table__  # type: ignore[attr-defined]
_C = TicketCall.__table__  # type: ignore[attr-defined]
_L = DutyLogEntry.__table__  # type: ignore[attr-defined]
_S = Site.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class YearCount:
    kind: str  # help_register | duty_log
    year: int
    rows: int


@dataclass(frozen=True)
class ArchivePlan:
    """What is past retention today, per table: what an archive holds and what a removal would take out."""

    today: date
    help_years: int
    dutylog_years: int
    help_before: date  # help requests taken before this local date
    dutylog_before: date  # duty log entries of duty dates before this
    years: tuple[YearCount, ...]
    rows: dict[str, int]  # table -> rows past retention: ticket, ticketevent, ticketcall, dutylog

    @property
    def empty(self) -> bool:
        return not any(self.rows.values())


@dataclass(frozen=True)
class ArchiveRecord:
    """One archive recorded in the `archive` table."""

    id: int
    file_name: str
    sha256: str
    help_before: date | None
    help_requests: int
    dutylog_before: date | None
    dutylog_entries: int
    created_at: datetime
    operator: str


@dataclass(frozen=True)
class ArchiveCheck:
    """What `verify` found: `problems` empty means intact and sealed with this site's key."""

    path: Path
    sha256: str
    members: dict[str, int]  # member -> rows
    problems: tuple[str, ...]
    recorded: ArchiveRecord | None = None
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def intact(self) -> bool:
        return not self.problems


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def content_sha256(manifest: dict[str, Any]) -> str:
    """The archive's SHA-256: the manifest's canonical JSON without its own `sha256` and `seal`."""
    body = {k: v for k, v in manifest.items() if k not in ("sha256", "seal")}
    return hashlib.sha256(_canonical(body)).hexdigest()


class _Member:
    """A JSON-array member being written: its bytes hashed as they go into the ZIP, its objects counted."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.sha = hashlib.sha256()
        self.rows = 0

    def _write(self, text: str) -> None:
        data = text.encode("utf-8")
        self.sha.update(data)
        self.raw.write(data)

    def write_all(self, records: Iterable[dict[str, Any]]) -> None:
        self._write("[")
        for rec in records:
            self._write(("\n" if self.rows == 0 else ",\n") + json.dumps(rec, ensure_ascii=False, default=_plain))
            self.rows += 1
        self._write("\n]\n" if self.rows else "]\n")


class ArchiveService(ContextService):
    def __init__(self, ctx: DeskContext, *, keeper: anchors.Keeper) -> None:
        super().__init__(ctx)
        self.keeper = keeper
        self.register = HelpRegister(ctx)

    # --- what is past retention ---------------------------------------------------------------------------------

    def _years(self, key: str, default: int) -> int:
        years = int(self.settings.retention.get(key, default))
        if years < 1:
            raise ValidationError(t("retention.{key} must be at least 1 year", key=key), field=key)
        return years

    def plan(self) -> ArchivePlan:
        today = self.clock.now().astimezone(self.tz).date()
        help_years = self._years("help_register_years", 2)
        dutylog_years = self._years("duty_log_years", 3)
        help_before = date(today.year - help_years, 1, 1)
        dutylog_before = date(today.year - dutylog_years, 1, 1)
        before = year_start(help_before.year, self.tz)
        with self.db.read() as s:
            help_ids = self._help_ids(s, before)
            years: list[YearCount] = []
            per_year: dict[int, int] = {}
            for (created,) in s.execute(select(_T.c.created_at).where(*self._help_where(before))):
                year = created.astimezone(self.tz).year
                per_year[year] = per_year.get(year, 0) + 1
            years += [YearCount("help_register", y, n) for y, n in sorted(per_year.items())]
            per_log_year: dict[int, int] = {}
            log_dates = select(_L.c.duty_date).where(_L.c.site_id == self.site_id, _L.c.duty_date < dutylog_before)
            for (duty_date,) in s.execute(log_dates):
                per_log_year[duty_date.year] = per_log_year.get(duty_date.year, 0) + 1
            years += [YearCount("duty_log", y, n) for y, n in sorted(per_log_year.items())]
            rows = {
                "ticket": len(help_ids),
                "ticketevent": self._count_in(s, _E, _E.c.ticket_id, help_ids),
                "ticketcall": self._count_in(s, _C, _C.c.ticket_id, help_ids),
                "dutylog": sum(y.rows for y in years if y.kind == "duty_log"),
            }
        return ArchivePlan(today, help_years, dutylog_years, help_before, dutylog_before, tuple(years), rows)

    def _help_where(self, before: datetime) -> list[Any]:
        return [_T.c.site_id == self.site_id, _T.c.kind == HELP_KIND, _T.c.created_at < before]

    def _help_ids(self, s: Session, before: datetime) -> list[int]:
        return [r[0] for r in s.execute(select(_T.c.id).where(*self._help_where(before)).order_by(_T.c.id))]

    @staticmethod
    def _count_in(s: Session, table: Any, column: Any, ids: list[int]) -> int:
        n = 0
        for i in range(0, len(ids), 500):
            n += int(
                s.execute(select(func.count()).select_from(table).where(column.in_(ids[i : i + 500]))).scalar_one()
            )
        return n

    # --- writing --------------------------------------------------------------------------------------------------

    def write(
        self,
        path: Path,
        *,
        operator: OperatorInfo | None,
        track: Callable[[Iterable[Any]], Iterable[Any]] = lambda rows: rows,
    ) -> tuple[ArchivePlan, ArchiveRecord]:
        """Write the archive of what `plan()` finds past retention to `path` (a new file, 0600), check it as
        `verify` would, and record it in the `archive` table. Refused when there is nothing to archive or `path`
        exists. Everything is read in one read transaction, so the members agree with each other."""
        if path.exists():
            raise ValidationError(t("{file} exists; an archive is never written over", file=str(path)), field="output")
        plan = self.plan()
        if plan.empty:
            raise ValidationError(t("Nothing is past retention; no archive written"), field="archive")
        now = self.clock.now()
        before = year_start(plan.help_before.year, self.tz)
        members: list[dict[str, Any]] = []
        with (
            self.db.read() as s,
            private_file(path, binary=True) as fh,
            zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as zf,
        ):
            ids = self._help_ids(s, before)
            sources: list[tuple[str, Iterable[dict[str, Any]]]] = [
                ("ticket.json", self._rows_in(s, _T, _T.c.id, ids, _T.c.id)),
                ("ticketevent.json", self._rows_in(s, _E, _E.c.ticket_id, ids, _E.c.id)),
                ("ticketcall.json", self._rows_in(s, _C, _C.c.ticket_id, ids, _C.c.event_id)),
                ("dutylog.json", self._dutylog(s, plan.dutylog_before)),
                ("help-register.json", (record(x, self.tz) for x in self.register.requests(before=before))),
            ]
            for name, rows in sources:
                with zf.open(name, "w", force_zip64=True) as raw:
                    member = _Member(raw)
                    member.write_all(track(rows))
                members.append({"name": name, "rows": member.rows, "sha256": member.sha.hexdigest()})
            site = s.execute(select(_S.c.code, _S.c.name).where(_S.c.id == self.site_id)).one()
            manifest: dict[str, Any] = {
                "format": FORMAT,
                "site": {"id": self.site_id, "code": site.code, "name": site.name},
                "created_at": now.astimezone(self.tz).isoformat(),
                "operator": operator.name if operator is not None else "",
                "time_zone": self.settings.time_zone,
                "retention": {"help_register_years": plan.help_years, "duty_log_years": plan.dutylog_years},
                "help_before": plan.help_before.isoformat(),
                "dutylog_before": plan.dutylog_before.isoformat(),
                "members": members,
            }
            manifest["sha256"] = content_sha256(manifest)
            manifest["seal"] = self.keeper.seal(_SEAL_PREFIX + manifest["sha256"])
            zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
        check = self.verify(path)
        if not check.intact:  # pragma: no cover - a disk that returns other bytes than were written
            raise ValidationError(check.problems[0], field="archive")
        counts = {m["name"]: m["rows"] for m in members}
        with self.db.write() as s:
            new_id = s.execute(
                insert(_A)
                .returning(_A.c.id)
                .values(
                    site_id=self.site_id,
                    file_name=path.name,
                    sha256=manifest["sha256"],
                    seal=manifest["seal"],
                    help_before=plan.help_before if counts["ticket.json"] else None,
                    help_requests=counts["ticket.json"],
                    dutylog_before=plan.dutylog_before if counts["dutylog.json"] else None,
                    dutylog_entries=counts["dutylog.json"],
                    created_at=now,
                    operator_id=operator.id if operator is not None else None,
                    operator_name=operator.name if operator is not None else "",
                )
            ).scalar_one()
            row = s.execute(select(_A).where(_A.c.id == new_id)).one()
        return plan, _record(row)

    def _rows_in(self, s: Session, table: Any, column: Any, ids: list[int], order: Any) -> Iterator[dict[str, Any]]:
        for i in range(0, len(ids), 500):
            for row in s.execute(select(table).where(column.in_(ids[i : i + 500])).order_by(order)):
                yield dict(row._mapping)

    def _dutylog(self, s: Session, before: date) -> Iterator[dict[str, Any]]:
        q = select(_L).where(_L.c.site_id == self.site_id, _L.c.duty_date < before).order_by(_L.c.seq)
        for row in s.execute(q):
            yield dict(row._mapping)

    # --- reading back -------------------------------------------------------------------------------------------

    def archives(self) -> list[ArchiveRecord]:
        with self.db.read() as s:
            rows = s.execute(select(_A).where(_A.c.site_id == self.site_id).order_by(_A.c.id))
            return [_record(r) for r in rows]

    def verify(self, path: Path) -> ArchiveCheck:
        """Every member's SHA-256 and row count against the manifest, the manifest against its SHA-256, the seal
        against this site's key, the archived duty-log entries' chain links; and whether this database recorded it."""
        problems: list[str] = []
        try:
            zf = zipfile.ZipFile(path)
        except (OSError, zipfile.BadZipFile) as exc:
            return ArchiveCheck(path, "", {}, (t("{file} is not an archive: {error}", file=str(path), error=str(exc)),))
        with zf:
            try:
                manifest = json.loads(zf.read(MANIFEST))
                listed = {str(m["name"]): (int(m["rows"]), str(m["sha256"])) for m in manifest["members"]}
            except (KeyError, ValueError, TypeError) as exc:
                return ArchiveCheck(
                    path, "", {}, (t("{file} has no readable manifest: {error}", file=str(path), error=repr(exc)),)
                )
            if manifest.get("format") != FORMAT:
                problems.append(t("Unknown archive format {format!r}", format=manifest.get("format")))
            counts: dict[str, int] = {}
            for name in sorted(set(zf.namelist()) - set(listed) - {MANIFEST}):
                problems.append(t("{member} is not in the manifest", member=name))
            for name, (rows, sha) in listed.items():
                try:
                    data = zf.read(name)
                except KeyError:
                    problems.append(t("{member} is missing", member=name))
                    continue
                if hashlib.sha256(data).hexdigest() != sha:
                    problems.append(t("{member} does not match its SHA-256", member=name))
                    continue
                records = json.loads(data)
                counts[name] = len(records)
                if len(records) != rows:
                    problems.append(
                        t("{member} holds {n} rows, the manifest says {m}", member=name, n=len(records), m=rows)
                    )
                if name == "dutylog.json":
                    problems += _chain_problems(records)
        sha = str(manifest.get("sha256", ""))
        if content_sha256(manifest) != sha:
            problems.append(t("The manifest does not match its SHA-256"))
        elif self.keeper.key() is None:
            problems.append(t("No site key on this desk: the seal cannot be checked"))
        elif not self.keeper.sealed(_SEAL_PREFIX + sha, str(manifest.get("seal", ""))):
            problems.append(t("The seal does not match this site's key"))
        recorded = next((a for a in self.archives() if a.sha256 == sha), None) if sha else None
        return ArchiveCheck(path, sha, counts, tuple(problems), recorded, manifest)


def _chain_problems(entries: list[dict[str, Any]]) -> list[str]:
    """Each archived duty-log entry whose predecessor is archived too names that entry's hash (an amendment of an
    old entry carries the old duty date but a later number, so the archived numbers need not be consecutive)."""
    hashes = {entry.get("seq"): entry.get("hash") for entry in entries}
    for entry in entries:
        seq = entry.get("seq")
        if isinstance(seq, int) and seq - 1 in hashes and entry.get("prev_hash") != hashes[seq - 1]:
            return [t("Duty log entry #{seq} does not follow the one before it", seq=seq)]
    return []


def _record(row: Any) -> ArchiveRecord:
    return ArchiveRecord(
        id=row.id,
        file_name=row.file_name,
        sha256=row.sha256,
        help_before=row.help_before,
        help_requests=row.help_requests,
        dutylog_before=row.dutylog_before,
        dutylog_entries=row.dutylog_entries,
        created_at=row.created_at,
        operator=row.operator_name,
    )


def read_member(path: Path, name: str) -> list[dict[str, Any]]:
    """One member's records (tests, and whoever needs the archived rows back)."""
    with zipfile.ZipFile(path) as zf:
        return list(json.loads(io.TextIOWrapper(zf.open(name), encoding="utf-8").read()))
