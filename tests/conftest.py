"""Shared fixtures: a fresh database per test, settings pointing at it, a frozen clock.

Backends. By default every database is a SQLite file in the test's tmp_path. Two environment variables bring in
PostgreSQL:

- `DESKUI_TEST_PG`: a URL of a live server whose user may create databases (e.g.
  `postgresql+psycopg://postgres@127.0.0.1:5433/postgres`). The `pg_url` fixture then gives each test a fresh
  database copied from a migrated template (one template per xdist worker), dropped afterwards. Without it, tests
  that need PostgreSQL are skipped with the reason.
- `DESKUI_TEST_BACKEND=postgresql` (needs `DESKUI_TEST_PG`): the `settings` (and so `services`) fixture of every
  test points at such a fresh PostgreSQL database instead of a SQLite file, so the service suite runs on
  PostgreSQL unchanged. Tests that are about SQLite itself (files, PRAGMAs, raw sqlite3 attacks) carry the
  `sqlite_only` marker, or are named in tests/unit/conftest.py, and are skipped on that run.

`.ci/run` starts a throw-away server and runs the suite both ways.

Hypothesis. Two profiles, chosen here before any test module is imported (so module-level `settings(...)` build on
them): `ci` unless `HYPOTHESIS_PROFILE=dev` is asked for by hand. Reproducible is the default because nothing
guarantees the runner sets a CI variable: stop 20's CI ran without one, drew random examples, and failed on one
(U+061C) no run before had tried.

- `ci`: reproducible. derandomize=True seeds each test from a hash of its own source, so every run, on any machine
  and in any xdist worker, tries the same examples; a failure in CI fails the same way with
  `HYPOTHESIS_PROFILE=ci` by hand, and its @reproduce_failure blob is printed. Hypothesis turns its examples
  database off whenever a run is seeded (derandomize or --hypothesis-seed imply database=None), so a failure found
  is kept as an explicit @example in the test.
- `dev` (by hand): random, exploring anew each run; a failure found is saved in the examples database under the
  repository's .hypothesis/examples (whatever the working directory) and replayed first on the next run.

Both: no deadline and no too_slow health check, which measure the machine's load, not the code (two cores shared).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis.database import DirectoryBasedExampleDatabase

from deskui.core.clock import FrozenClock
from deskui.core.config import Settings, load_settings
from deskui.core.i18n import set_language

ROOT = Path(__file__).resolve().parents[1]

hypothesis_settings.register_profile(
    "ci", derandomize=True, deadline=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.register_profile(
    "dev",
    database=DirectoryBasedExampleDatabase(ROOT / ".hypothesis" / "examples"),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
HYPOTHESIS_PROFILE = "dev" if os.environ.get("HYPOTHESIS_PROFILE") == "dev" else "ci"
hypothesis_settings.load_profile(HYPOTHESIS_PROFILE)

PG_SERVER = os.environ.get("DESKUI_TEST_PG", "")
BACKEND = os.environ.get("DESKUI_TEST_BACKEND", "sqlite").strip().lower() or "sqlite"
if BACKEND in ("pg", "postgres"):
    BACKEND = "postgresql"
_EMPTY_PG = pytest.StashKey[str]()
_SCRATCH_CONFIG = pytest.StashKey[str]()
NO_PG_REASON = (
    "PostgreSQL tests need DESKUI_TEST_PG, a server URL whose user may create databases, e.g. "
    "postgresql+psycopg://postgres@127.0.0.1:5433/postgres (`bash .ci/run` starts one)"
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: about SQLite itself; skipped when the suite runs on PostgreSQL")
    config.addinivalue_line("markers", "pg: needs a live PostgreSQL server (DESKUI_TEST_PG)")
    config.addinivalue_line("markers", "real_argon2: hash PINs with the production argon2 parameters")
    config.addinivalue_line(
        "markers",
        "load: starts its own processes and loads both cores; `make test` runs these after the rest, so they cannot "
        "slow the timing-sensitive UI tests down",
    )
    # The user's folders (core.config: the default database, backups, exports, a user config.toml, PostgreSQL site
    # keys) are scratch folders for the whole run, never the real ones, and no DESKUI_* of the shell running the
    # tests points them at a real desk (child processes inherit all this).
    if not hasattr(config, "workerinput") or "XDG_CONFIG_HOME" not in os.environ:
        scratch = config.stash[_SCRATCH_CONFIG] = tempfile.mkdtemp(prefix="deskui-test-home-")
        os.environ["XDG_CONFIG_HOME"] = os.path.join(scratch, "config")
        os.environ["XDG_DATA_HOME"] = os.path.join(scratch, "share")
    for name in ("DESKUI_DB", "DESKUI_CONFIG", "DESKUI_DATA_DIR", "DESKUI_KEY_FILE"):
        os.environ.pop(name, None)
    if BACKEND not in ("sqlite", "postgresql"):
        raise pytest.UsageError(f"DESKUI_TEST_BACKEND={BACKEND!r}: use sqlite or postgresql")
    if BACKEND == "postgresql" and not PG_SERVER:
        raise pytest.UsageError("DESKUI_TEST_BACKEND=postgresql needs DESKUI_TEST_PG (a server URL)")
    # tests/unit/test_handover_immutability.py reads DESKUI_TEST_PG_URL (an empty database) when it is imported:
    # give each process that collects tests one of its own (xdist's controller collects nothing).
    xdist_controller = getattr(config.option, "numprocesses", None) and not hasattr(config, "workerinput")
    if PG_SERVER and not os.environ.get("DESKUI_TEST_PG_URL") and not xdist_controller:
        name = create_pg_database()
        config.stash[_EMPTY_PG] = name
        os.environ["DESKUI_TEST_PG_URL"] = pg_database_url(name)


def pytest_report_header(config: pytest.Config) -> str:
    current = hypothesis_settings()
    how = "derandomized" if current.derandomize else f"random, examples database {current.database}"
    return f"hypothesis profile {HYPOTHESIS_PROFILE!r}: {how} (HYPOTHESIS_PROFILE=ci|dev picks one)"


def pytest_unconfigure(config: pytest.Config) -> None:
    scratch = config.stash.get(_SCRATCH_CONFIG, None)
    if scratch:
        shutil.rmtree(scratch, ignore_errors=True)
    name = config.stash.get(_EMPTY_PG, None)
    if name:
        os.environ.pop("DESKUI_TEST_PG_URL", None)
        drop_pg_database(name)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "pg" in item.keywords and not PG_SERVER:
            item.add_marker(pytest.mark.skip(reason=NO_PG_REASON))
        if BACKEND == "postgresql" and "sqlite_only" in item.keywords:
            item.add_marker(pytest.mark.skip(reason="about SQLite itself; this run is on PostgreSQL"))


def _cheap_pin_hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(autouse=True)
def _cheap_pin_hashing(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """PINs hashed with argon2id at its cheapest in tests: the real profile (64 MiB, 3 passes) costs ~0.3 s a hash
    on a loaded machine, and a Pilot test adds three operators and signs one in. The same code path and hash
    format; the tests marked `real_argon2` (tests/unit/test_operators.py) hold the real profile."""
    if "real_argon2" not in request.keywords:
        monkeypatch.setattr("deskui.services.operators.PasswordHasher", _cheap_pin_hasher)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "desk.db"


# --- PostgreSQL ---------------------------------------------------------------------------------------------------


def _admin_conninfo(database: str | None = None) -> str:
    """The server URL as a libpq URI for psycopg (no SQLAlchemy driver suffix), optionally for another database."""
    from sqlalchemy.engine import make_url

    url = make_url(PG_SERVER).set(drivername="postgresql")
    if database is not None:
        url = url.set(database=database)
    return url.render_as_string(hide_password=False)


def pg_database_url(name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(PG_SERVER).set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(_admin_conninfo(), autocommit=True, connect_timeout=10) as con:
        con.execute(sql)  # type: ignore[arg-type]


def create_pg_database(template: str | None = None) -> str:
    """A new, uniquely named database (copied from `template` when given); returns its name.

    STRATEGY FILE_COPY (PostgreSQL 15+): copying a small template file by file takes ~50 ms; the default WAL_LOG
    strategy writes the whole template through the WAL and takes ~0.8 s.
    """
    import psycopg

    name = f"deskui_t_{uuid.uuid4().hex[:16]}"
    sql = f'CREATE DATABASE "{name}"'
    with psycopg.connect(_admin_conninfo(), autocommit=True, connect_timeout=10) as con:
        if template:
            sql += f' TEMPLATE "{template}"'
            if con.info.server_version >= 150000:
                sql += " STRATEGY FILE_COPY"
        con.execute(sql)  # type: ignore[arg-type]
    return name


def drop_pg_database(name: str) -> None:
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_server() -> str:
    if not PG_SERVER:
        pytest.skip(NO_PG_REASON)
    return PG_SERVER


@pytest.fixture(scope="session")
def pg_template(pg_server: str) -> Iterator[str]:
    """A database at the code's head revision, migrated once per test session and worker; tests get copies."""
    from deskui.core.db import open_database

    name = create_pg_database()
    try:
        open_database(pg_database_url(name)).dispose()
        yield name
    finally:
        drop_pg_database(name)


@pytest.fixture
def pg_new_database(pg_template: str) -> Iterator[Callable[..., str]]:
    """A factory of fresh databases (URLs): migrated copies by default, `empty=True` for one with no schema."""
    made: list[str] = []

    def make(*, empty: bool = False) -> str:
        name = create_pg_database(None if empty else pg_template)
        made.append(name)
        return pg_database_url(name)

    yield make
    for name in made:
        drop_pg_database(name)


@pytest.fixture
def pg_url(pg_new_database: Callable[..., str]) -> str:
    """A fresh, migrated PostgreSQL database for this test (dropped afterwards)."""
    return pg_new_database()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head, once per worker: a fresh desk is a copy of it (~1 ms) instead of running
    every migration again (0.5-1 s a test on a loaded machine). Schema only: the site row is each test's own
    (ensure_site runs on open with that test's settings and clock)."""
    from deskui.core.db import open_database

    path = tmp_path_factory.mktemp("template") / "desk.db"
    open_database(str(path)).dispose()  # the last connection closed: WAL checkpointed, only the main file left
    return path


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where this test's desk lives: the SQLite file `db_path` (same path; not requested, so that a test asking
    for `db_path` itself is known to read the file directly) copied from the migrated template, or a fresh
    PostgreSQL database on the PG run. A test about creating or migrating a database asks for `db_path` instead."""
    if BACKEND == "postgresql":
        return str(request.getfixturevalue("pg_url"))
    path = tmp_path / "desk.db"
    if not path.exists():
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
    return str(path)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return load_settings(database_url=database_url, language="en", environ={})


@pytest.fixture
def services(settings: Settings, clock: FrozenClock):  # type: ignore[no-untyped-def]
    from deskui.services import open_services

    svc = open_services(settings, clock)
    yield svc
    svc.close()
