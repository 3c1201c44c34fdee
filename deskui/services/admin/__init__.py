"""Administration of a desk's database: backup and restore, the doctor, the demo property, and the checks behind
`deskui verify` (the registers against their history, the append-only triggers as the migrations made them).

The public API is below; the modules behind it are private (`_backup`, `_doctor`, `_demo`, `_audit`, `_guards`),
except `verify`. Importing this package costs nothing: each name loads its module when first used (the CLI
imports what one command needs; `verify` loads only the audit and the guards). Admin sits above
services.container: it may open services, nothing below it imports admin.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from deskui.services.admin._archive import (
        ArchiveCheck,
        ArchivePlan,
        ArchiveRecord,
        ArchiveService,
        YearCount,
        read_member,
    )
    from deskui.services.admin._backup import (
        BackupRefused,
        BackupResult,
        RestoreResult,
        backup_database,
        refuse_postgresql,
        restore_database,
    )
    from deskui.services.admin._demo import (
        DEMO_CALLS,
        DEMO_OPERATORS,
        DemoOperator,
        DemoSummary,
        demo_residents,
        demo_units,
        load_demo,
        load_demo_activity,
    )
    from deskui.services.admin._doctor import DoctorPath, DoctorRow, diagnose, doctor_paths, failed
    from deskui.services.admin._guards import TriggerProblem, expected_postgres_triggers, expected_sqlite_triggers
    from deskui.services.admin._help_register import HelpRegister, HelpRequest, export_register, masked_requests
    from deskui.services.admin._integrity import check_integrity
    from deskui.services.admin.verify import verify_log

# name -> the module that defines it, loaded on first use
_HOMES = {
    **dict.fromkeys(
        ("ArchiveCheck", "ArchivePlan", "ArchiveRecord", "ArchiveService", "YearCount", "read_member"), "_archive"
    ),
    **dict.fromkeys(("HelpRegister", "HelpRequest", "export_register", "masked_requests"), "_help_register"),
    **dict.fromkeys(
        ("BackupRefused", "BackupResult", "RestoreResult", "backup_database", "refuse_postgresql", "restore_database"),
        "_backup",
    ),
    **dict.fromkeys(
        (
            "DEMO_CALLS",
            "DEMO_OPERATORS",
            "DemoOperator",
            "DemoSummary",
            "demo_residents",
            "demo_units",
            "load_demo",
            "load_demo_activity",
        ),
        "_demo",
    ),
    **dict.fromkeys(("DoctorPath", "DoctorRow", "diagnose", "doctor_paths", "failed"), "_doctor"),
    "check_integrity": "_integrity",
    **dict.fromkeys(("TriggerProblem", "expected_postgres_triggers", "expected_sqlite_triggers"), "_guards"),
    "verify_log": "verify",
}

__all__ = [
    "DEMO_CALLS",
    "DEMO_OPERATORS",
    "ArchiveCheck",
    "ArchivePlan",
    "ArchiveRecord",
    "ArchiveService",
    "BackupRefused",
    "BackupResult",
    "DemoOperator",
    "DemoSummary",
    "DoctorPath",
    "DoctorRow",
    "HelpRegister",
    "HelpRequest",
    "RestoreResult",
    "TriggerProblem",
    "YearCount",
    "backup_database",
    "check_integrity",
    "demo_residents",
    "demo_units",
    "diagnose",
    "doctor_paths",
    "expected_postgres_triggers",
    "expected_sqlite_triggers",
    "export_register",
    "failed",
    "load_demo",
    "load_demo_activity",
    "masked_requests",
    "read_member",
    "refuse_postgresql",
    "restore_database",
    "verify_log",
]


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value: object = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value  # the next look-up finds it without coming here
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
