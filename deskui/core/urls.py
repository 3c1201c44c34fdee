"""Credentials in database URLs and messages, masked: `mask_url`, `mask_secrets`.

A database URL is shown (doctor, `init`, `backup`, every error line) with its password masked, however the URL gives
it — in the user part, even with a raw `@`, `:` or `/` in it, or in the query (`?password=`, `sslpassword=`, …) — and
a libpq keyword string (`host=… password=…`) too. Here, at the bottom, because core.db masks the URLs in its own
errors; services.common.masking re-exports these next to the phone-number masking.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

MASK = "***"
# Keys whose value is a secret, in a URL query (?password=…) or a libpq keyword string (password=…).
_SECRET_KEYS = r"(?:password|passwd|pwd|pass|sslpassword|secret|token|api_?key|access_token|auth_token)"
_QUERY_SECRET = re.compile(rf"(?i)((?:[?&;]|^)\s*{_SECRET_KEYS}\s*=)([^&;#]*)")
_TEXT_SECRET = re.compile(
    rf"""(?i)((?<![\w%.-]){_SECRET_KEYS}\s*=\s*)('(?:[^'\\]|\\.)*'?|"(?:[^"\\]|\\.)*"?|[^\s&;#]*)"""
)
_SCHEME = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*)?://")
_URL_IN_TEXT = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*)?://\S+")
# Secrets of the URLs this process was given (remember_url), masked wherever they show up: a driver's own error
# may quote a piece of a password it took for the host ("could not resolve host 'ss@db'").
_REMEMBERED: set[str] = set()
_MIN_PIECE = 4  # a shorter piece of a password would mask ordinary words too


def _split_userinfo(url: str) -> tuple[int, int, int] | None:
    """(start of the user, the ':' before the password, the '@' after it) as indexes into `url`, or None when the
    URL has no password in its user part. The user part ends at the LAST '@': a password may hold a raw '@' (and ':'
    or '/'); SQLAlchemy's parser stops at the first and takes the rest for the host."""
    m = _SCHEME.match(url)
    if m is None:
        return None
    start = m.end()
    at = url.rfind("@", start)
    if at < 0:
        return None
    colon = url.find(":", start, at)
    if colon < 0:
        return None
    return start, colon, at


def mask_url(url: str) -> str:
    """The URL with every credential as ***: `postgresql+psycopg://desk:***@db/desk?sslmode=require&password=***`.

    Text only (no parsing that could fail or reorder): scheme, user, host, port, database and the other query
    parameters stay as written, so a person still recognises the database. Not a URL (a libpq keyword string):
    its `password=` values masked."""
    if _SCHEME.match(url) is None:
        return _TEXT_SECRET.sub(rf"\g<1>{MASK}", url)
    parts = _split_userinfo(url)
    if parts is not None:
        _start, colon, at = parts
        url = url[: colon + 1] + MASK + url[at:]
    query = url.find("?")
    if query >= 0:
        url = url[:query] + _QUERY_SECRET.sub(rf"\g<1>{MASK}", url[query:])
    return url


def url_secrets(url: str) -> set[str]:
    """The secrets a URL gives: its password (as written and percent-decoded), its query secrets, and the pieces of
    a password between '@', ':' and '/' long enough to be recognised on their own."""
    found: set[str] = set()
    if _SCHEME.match(url) is not None:
        parts = _split_userinfo(url)
        if parts is not None:
            _start, colon, at = parts
            found.add(url[colon + 1 : at])
        query = url.find("?")
        if query >= 0:
            found.update(m.group(2) for m in _QUERY_SECRET.finditer(url[query:]))
    else:
        found.update(m.group(2).strip("'\"") for m in _TEXT_SECRET.finditer(url))
    for secret in list(found):
        found.add(unquote(secret))
        found.update(re.split(r"[@:/?#]", secret))
    return {s for s in found if len(s) >= _MIN_PIECE and s != MASK}


def remember_url(url: str | None) -> None:
    """Mask this URL's secrets in every message from now on (the CLI calls it with the database URL it was given;
    a later call replaces them)."""
    _REMEMBERED.clear()
    if url:
        _REMEMBERED.update(url_secrets(url))


def mask_secrets(text: str) -> str:
    """A message with every credential masked: URLs in it (mask_url), `password=…` anywhere, and any secret of a URL
    given to remember_url."""
    text = _URL_IN_TEXT.sub(lambda m: mask_url(m.group(0)), text)
    text = _TEXT_SECRET.sub(rf"\g<1>{MASK}", text)
    for secret in sorted(_REMEMBERED, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text
