"""services.admin guards: the PostgreSQL triggers expected of a database are the ones the migrations create.

The guard renders the migrations for PostgreSQL offline (no server), so the migrations stay the one place that
names the append-only tables. This test holds that reading to the triggers 0002-0004 are known to make; the
tampering itself (a dropped or disabled trigger found on a live server) is tests/pg and tests/reliability/test_tamper.
"""

from __future__ import annotations

from deskui.services.admin import expected_postgres_triggers

REFUSE = "deskui_refuse_change"
MIGRATION_0004_TABLES = (
    "dutylog",
    "handover",
    "handover_record",
    "call_disposition",
    "key_loan",
    "key_return",
    "roster_change",
)
MIGRATION_0007_TABLES = (  # the registers (issue 13)
    "visit",
    "visit_exit",
    "parcel",
    "parcel_notice",
    "parcel_pickup",
    "gate_pass",
    "gate_pass_use",
    "gate_pass_void",
)
MIGRATIONS_0008_0010_TABLES = (  # patrols, renovations, the key inventory (issue 13)
    "patrol_round",
    "patrol_check",
    "patrol_end",
    "patrol_ticket",
    "renovation",
    "renovation_decision",
    "renovation_worker_pass",
    "renovation_inspection",
    "renovation_ticket",
    "renovation_close",
    "key_item",
    "key_retirement",
    "key_loan_authority",
)
MIGRATION_0015_TABLES = ("archive",)  # the archives written of the years past retention (issue 14)


def test_the_postgresql_triggers_are_what_the_migrations_make() -> None:
    expected = {
        "call": {"call_refuse_update_delete": "call_refuse_change", "call_refuse_truncate": "call_refuse_change"},
        **{
            table: {
                f"{table}_refuse_update_delete": "ticket_history_refuse_change",
                f"{table}_refuse_truncate": "ticket_history_refuse_change",
            }
            for table in ("ticketevent", "ticketcall")
        },
        **{
            table: {f"{table}_refuse_update_delete": REFUSE, f"{table}_refuse_truncate": REFUSE}
            for table in MIGRATION_0004_TABLES
            + MIGRATION_0007_TABLES
            + MIGRATIONS_0008_0010_TABLES
            + MIGRATION_0015_TABLES
        },
    }
    expected["dutylog"]["dutylog_follow_head"] = "dutylog_follow_head"
    expected["handover_record"]["handover_record_refuse_signed"] = "handover_refuse_signed"
    expected["call_disposition"]["call_disposition_refuse_signed"] = "handover_refuse_signed"
    found = expected_postgres_triggers()
    assert found == expected
    assert list(found) == list(expected)  # the tables in the migrations' order: problems are listed in it


def test_0004_s_append_only_tables_all_have_their_guards() -> None:
    """The migration's own list (frozen history), read through alembic, against what the guard expects."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from deskui.core.db import MIGRATIONS_DIR

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    migration = ScriptDirectory.from_config(cfg).get_revision("0004")
    assert migration is not None
    tables = migration.module.APPEND_ONLY_TABLES
    assert tables == MIGRATION_0004_TABLES
    found = expected_postgres_triggers()
    for table in tables:
        assert {f"{table}_refuse_update_delete", f"{table}_refuse_truncate"} <= set(found[table])
