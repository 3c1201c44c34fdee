"""Credentials never reach a screen, a log or an error line, however the URL gives them (issue 16 item 12).

A password may sit in the URL's user part (with raw `@`, `:` or `/` in it, or percent-encoded), in its query
(`?password=…`, libpq's `sslpassword=`), or in a libpq keyword string that was not a URL at all. The masked form
keeps what a person needs to recognise the database (scheme, user, host, port, database name).
"""

from __future__ import annotations

import pytest

from deskui.core.db import mask_url

SECRET = "S3cretPW"


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("postgresql+psycopg://desk:s3cret@db.example/desk", "postgresql+psycopg://desk:***@db.example/desk"),
        ("postgresql+psycopg://desk@db.example/desk", "postgresql+psycopg://desk@db.example/desk"),
        ("sqlite:////srv/desk.db", "sqlite:////srv/desk.db"),
        pytest.param(
            "postgresql+psycopg://desk:p@ss@db.example:5432/desk",
            "postgresql+psycopg://desk:***@db.example:5432/desk",
            id="raw-at",
        ),
        pytest.param(
            f"postgresql+psycopg://desk@db.example/desk?password={SECRET}",
            "postgresql+psycopg://desk@db.example/desk?password=***",
            id="query",
        ),
        pytest.param(
            f"postgresql+psycopg://desk@db.example/desk?sslmode=require&PassWord={SECRET}&connect_timeout=5",
            "postgresql+psycopg://desk@db.example/desk?sslmode=require&PassWord=***&connect_timeout=5",
            id="query-order-kept",
        ),
        ("postgresql+psycopg://desk:%40pw@db.example/desk", "postgresql+psycopg://desk:***@db.example/desk"),
    ],
)
def test_mask_url_forms(url: str, masked: str) -> None:
    assert mask_url(url) == masked


SECRET_FORMS = [
    f"postgresql+psycopg://desk:{SECRET}@db.example/desk",
    f"postgresql+psycopg://desk:{SECRET}@@db.example/desk",
    f"postgresql+psycopg://desk:p@{SECRET}@db.example/desk",
    f"postgresql+psycopg://desk:{SECRET}:x@db.example/desk",
    f"postgresql+psycopg://desk:a/{SECRET}@db.example/desk",
    f"postgresql+psycopg://desk:a?{SECRET}@db.example/desk",
    f"postgresql+psycopg://desk@db.example/desk?password={SECRET}",
    f"postgresql+psycopg://db.example/desk?user=desk&password={SECRET}",
    f"postgresql+psycopg://desk@db.example/desk?sslpassword={SECRET}",
    f"postgresql+psycopg://desk@db.example/desk?passwd={SECRET}",
    f"postgresql+psycopg://desk@db.example/desk?pwd={SECRET}",
    f"postgresql+psycopg://desk:{SECRET}@db.example:abc/desk",
    f"postgresql+psycopg://desk:{SECRET}@[::1/desk",
    f"postgresql+psycopg://desk:{SECRET}@/desk?host=/run/postgresql",
    f"://desk:{SECRET}@x",
    f"host=db.example user=desk password={SECRET} dbname=desk",
    f"host=db.example password = '{SECRET} x' dbname=desk",
]


@pytest.mark.parametrize("url", SECRET_FORMS)
def test_no_form_shows_the_password(url: str) -> None:
    shown = mask_url(url)
    assert SECRET not in shown
    assert "***" in shown


def test_masking_lives_in_the_masking_service() -> None:
    """One masker: db.mask_url is the masking service's (which the doctor and every error line use)."""
    from deskui.services.common import masking

    assert masking.mask_url("postgresql://u:p@ss@h/d") == "postgresql://u:***@h/d"
    assert SECRET not in masking.mask_secrets(f"cannot open database postgresql://h/d?password={SECRET}: refused")


@pytest.mark.parametrize(
    "url",
    [
        pytest.param(f"postgresql+psycopg://desk@127.0.0.1:1/desk?password={SECRET}", id="query"),
        # SQLAlchemy reads the host as "S3cretPW@127.0.0.1", and the driver's error names that host.
        pytest.param(f"postgresql+psycopg://desk:p@{SECRET}@127.0.0.1:1/desk", id="raw-at"),
    ],
)
def test_error_line_and_doctor_mask_the_password(
    url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing listens on port 1 of 127.0.0.1: each command fails, and says so without the password."""
    from deskui.cli import run

    for var in ("DESKUI_DB", "DESKUI_CONFIG", "DESKUI_LANG"):
        monkeypatch.delenv(var, raising=False)
    for args in (("calls", "list"), ("doctor",)):
        with pytest.raises(SystemExit) as exc:
            run(["--lang", "en", "--db", url, *args])
        shown = capsys.readouterr()
        assert exc.value.code == 1, shown
        assert SECRET not in shown.out + shown.err, args
