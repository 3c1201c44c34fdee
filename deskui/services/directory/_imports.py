"""Directory imports from CSV or .xlsx (or stdin): units and residents, all-or-nothing.

Every row is checked before anything is written, so a file with one bad cell leaves the directory as it was
and the person fixes that cell (named by file, line and column) and runs the import again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import col, select

from deskui.core.errors import DeskError, ValidationError
from deskui.core.i18n import t
from deskui.models import Resident, Unit
from deskui.services.directory._checks import check_resident, check_unit
from deskui.services.directory._service import DirectoryService
from deskui.services.directory._types import NewResident, NewUnit

if TYPE_CHECKING:  # the readers load when a file is imported, not with the directory
    from deskui.services.common.csvfiles import CsvImportFailed
    from deskui.services.common.tabular import InputBytes, Table

    Source = str | Path | InputBytes

UNIT_COLUMNS = ("unit", "kind")
RESIDENT_COLUMNS = ("name", "unit", "phone", "role", "notes")
# Headers as Chinese offices write them in Excel.
UNIT_ALIASES = {"房号": "unit", "单元": "unit", "类型": "kind", "类别": "kind"}
UNIT_ALIASES |= {"房號": "unit", "單元": "unit", "類型": "kind", "類別": "kind"}  # Traditional script (Big5 files)
RESIDENT_ALIASES = {
    "姓名": "name",
    "房号": "unit",
    "电话": "phone",
    "联系电话": "phone",
    "手机": "phone",
    "身份": "role",
    "角色": "role",
    "备注": "notes",
    # …and in Traditional script (Big5 files from Taiwan and Hong Kong offices).
    "房號": "unit",
    "電話": "phone",
    "聯絡電話": "phone",
    "聯繫電話": "phone",
    "手機": "phone",
    "備註": "notes",
}
_CHUNK = 500
Progress = Callable[[str, int], None]  # (phase "check" | "save", rows done since the last call)


def _row_error(table: Table, line: int, exc: ValidationError, default_column: str) -> CsvImportFailed:
    return table.error(exc.message, line=line, column=exc.field or default_column)


def _refused(source: Source, message: str) -> CsvImportFailed:
    from deskui.services.common.csvfiles import CsvImportFailed

    return CsvImportFailed(str(source) if isinstance(source, str | Path) else source.name, message)


def _existing_unit_keys(directory: DirectoryService, keys: Iterable[str]) -> dict[str, int]:
    """Directory unit ids by key, queried in chunks to stay under SQL parameter limits."""
    keys = list(dict.fromkeys(keys))
    found: dict[str, int] = {}
    with directory.db.read() as s:
        for i in range(0, len(keys), _CHUNK):
            rows = s.exec(
                select(Unit.key, Unit.id).where(
                    Unit.site_id == directory.site_id, col(Unit.key).in_(keys[i : i + _CHUNK])
                )
            )
            found.update({k: uid for k, uid in rows if uid is not None})
    return found


def check_units_file(
    directory: DirectoryService,
    path: Source,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    progress: Progress | None = None,
) -> list[NewUnit]:
    """Every unit of a units file, checked against each other and the directory; nothing is written."""
    from deskui.services.common.tabular import Table

    table = Table(path, UNIT_COLUMNS, required=("unit",), aliases=UNIT_ALIASES, encoding=encoding, sheet=sheet)
    units: list[NewUnit] = []
    lines: list[int] = []
    seen: dict[str, int] = {}
    for line, row in table:
        try:
            new = check_unit(row["unit"], row["kind"])
        except ValidationError as exc:
            raise _row_error(table, line, exc, "unit") from None
        if new.key in seen:
            raise table.error(
                t("duplicate unit {unit} (also line {other})", unit=row["unit"], other=seen[new.key]),
                line=line,
                column="unit",
            )
        seen[new.key] = line
        units.append(new)
        lines.append(line)
        if progress is not None:
            progress("check", 1)
    existing = _existing_unit_keys(directory, seen)
    for new, line in zip(units, lines, strict=True):
        if new.key in existing:
            raise table.error(
                t("unit {unit} is already in the directory", unit=new.label),
                line=line,
                column="unit",
            )
    return units


def import_units(
    directory: DirectoryService,
    path: Source,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    progress: Progress | None = None,
) -> int:
    """Check a units file (CSV or .xlsx) completely, then insert every unit in one transaction; returns the count."""
    units = check_units_file(directory, path, encoding=encoding, sheet=sheet, progress=progress)
    try:
        n = directory.add_units(units)
    except DeskError as exc:  # another terminal added one of these units since the check
        raise _refused(path, exc.message) from None
    if progress is not None:
        progress("save", n)
    return n


def _existing_residents(directory: DirectoryService, unit_ids: Iterable[int]) -> set[tuple[int, str]]:
    """(unit id, name) of residents already in those units, to refuse importing the same file twice."""
    ids = list(dict.fromkeys(unit_ids))
    found: set[tuple[int, str]] = set()
    with directory.db.read() as s:
        for i in range(0, len(ids), _CHUNK):
            rows = s.exec(
                select(Resident.unit_id, Resident.name).where(
                    Resident.site_id == directory.site_id, col(Resident.unit_id).in_(ids[i : i + _CHUNK])
                )
            )
            found.update(rows)
    return found


def check_residents_file(
    directory: DirectoryService,
    path: Source,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    progress: Progress | None = None,
) -> list[NewResident]:
    """Every resident of a residents file, checked; their units must already be in the directory."""
    from deskui.services.common.tabular import Table

    table = Table(
        path,
        RESIDENT_COLUMNS,
        required=("name", "unit", "phone"),
        aliases=RESIDENT_ALIASES,
        encoding=encoding,
        sheet=sheet,
    )
    residents: list[NewResident] = []
    lines: list[tuple[int, str]] = []  # line and the unit as written, for messages
    seen: dict[tuple[str, str], int] = {}
    for line, row in table:
        try:
            new = check_resident(row["name"], row["unit"], row["phone"], row["role"], row["notes"])
        except ValidationError as exc:
            raise _row_error(table, line, exc, "name") from None
        if not new.phones:
            raise table.error(t("no phone number"), line=line, column="phone")
        pair = (new.unit_key, new.name)
        if pair in seen:
            raise table.error(
                t(
                    "{name} in {unit} is listed twice (also line {other})",
                    name=new.name,
                    unit=row["unit"],
                    other=seen[pair],
                ),
                line=line,
                column="name",
            )
        seen[pair] = line
        residents.append(new)
        lines.append((line, row["unit"]))
        if progress is not None:
            progress("check", 1)
    units = _existing_unit_keys(directory, (r.unit_key for r in residents))
    for new, (line, unit) in zip(residents, lines, strict=True):
        if new.unit_key not in units:
            raise table.error(
                t("unit {unit} is not in the directory; import or add it first", unit=unit),
                line=line,
                column="unit",
            )
    present = _existing_residents(directory, units.values())
    for new, (line, unit) in zip(residents, lines, strict=True):
        if (units[new.unit_key], new.name) in present:
            raise table.error(
                t("{name} is already in the directory at {unit}", name=new.name, unit=unit),
                line=line,
                column="name",
            )
    return residents


def import_residents(
    directory: DirectoryService,
    path: Source,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    progress: Progress | None = None,
) -> int:
    """Check a residents file (CSV or .xlsx) completely, then insert every resident in one transaction."""
    residents = check_residents_file(directory, path, encoding=encoding, sheet=sheet, progress=progress)
    try:
        n = directory.add_residents(residents)
    except DeskError as exc:  # a unit was removed by another terminal since the check
        raise _refused(path, exc.message) from None
    if progress is not None:
        progress("save", n)
    return n
