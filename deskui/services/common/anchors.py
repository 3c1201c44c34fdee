"""What the database file alone does not give: the site key that seals signatures, and the anchor of the chain head.

Seals (issue 16 item 6). A handover or review entry of the duty-log chain is written only after the signer's PIN
was checked; its `seal` is HMAC-SHA256 over the entry's hash (which covers every field and the previous hash) with
a site key kept in a 0600 file outside the database, created on first use: `desk.db.key` beside a SQLite file, or
for PostgreSQL `keys/<server-and-database>.key` in the user's config directory (~/.config/deskui on Linux; every
desk must get the same file; or point DESKUI_KEY_FILE at it). An entry appended by script, with a valid hash but no key, has no valid seal: `verify`
reports it and the review does not count it as signed. Rewriting entries before a real review (fresh hashes) changes
the review's hash, so its seal no longer matches either.

Why not a key derived from the signer's PIN: whatever lets `verify` check a signature later without the PIN must
be stored somewhere, and a PIN-derived verifier in the database (the argon2 hash is already there) is readable by
whoever has the file, so it adds nothing the site key does not; per-person signatures would need public-key
cryptography and a way to trust the public keys (again a key outside the file). The seal says "written by deskui on
a desk with this site's key, after that operator's PIN". It does not protect against someone who can read the key
file as the OS user deskui runs as (README: one account per desk PC, file modes, disk encryption).

Anchors (item 7). The chain's head (sequence number and hash, per site) is kept outside the table:
- in the anchor file beside the database (`desk.db.anchor`, 0600, MACed with the site key), raised after every
  commit that adds an entry (never lowered, except by `restore`, which deliberately goes back);
- in each handover's own snapshot record (`chain_head`) and each review entry's payload (`head_seq`, `head_hash`);
- in a `.anchor` file written beside every backup.
`verify` reports truncation when the chain ends before the newest anchor, and a rewrite when the entry an anchor
names has another hash.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

SEALED_KINDS = ("handover", "review")
_SEAL_TAG = b"deskui-seal-v1\n"
_ANCHOR_TAG = b"deskui-anchor-v1\n"
KEY_ENV = "DESKUI_KEY_FILE"


@dataclass(frozen=True)
class Head:
    seq: int
    hash: str


@dataclass(frozen=True)
class AnchorFile:
    path: Path
    heads: dict[int, Head]
    valid: bool  # its MAC matches the site key
    legacy: dict[int, int] = field(default_factory=dict)  # site -> last entry written before seals (see ensure)


def _sqlite_file(url: str) -> Path | None:
    from deskui.core.db import sqlite_path

    path = sqlite_path(url)
    return path.expanduser().resolve() if path is not None else None


def key_path(url: str) -> Path:
    if os.environ.get(KEY_ENV):
        return Path(os.environ[KEY_ENV]).expanduser()
    path = _sqlite_file(url)
    if path is not None:
        return path.with_name(path.name + ".key")
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    ident = f"{parsed.get_backend_name()}://{parsed.host or ''}:{parsed.port or ''}/{parsed.database or ''}"
    from deskui.core.config import config_dir

    return config_dir() / "keys" / f"{hashlib.sha256(ident.encode()).hexdigest()[:16]}.key"


def anchor_path(url: str) -> Path:
    path = _sqlite_file(url)
    if path is not None:
        return path.with_name(path.name + ".anchor")
    return key_path(url).with_suffix(".anchor")


def sidecar(backup: Path) -> Path:
    """The anchor written beside a backup file."""
    return backup.with_name(backup.name + ".anchor")


def _private_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically, 0600 (a scratch file beside it, fsynced, renamed)."""
    scratch = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(scratch, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(scratch, path)
    finally:
        scratch.unlink(missing_ok=True)


class Keeper:
    """The key and the anchor file of one database (or, for a backup being checked, its target's key and the
    backup's own anchor)."""

    def __init__(self, key_file: Path, anchor_file: Path | None) -> None:
        self.key_file = key_file
        self.anchor_file = anchor_file
        self._key: bytes | None = None  # read once (a key file is never rewritten; a deleted one is noticed)

    # --- the key ----------------------------------------------------------------------------------------------

    def key(self, *, create: bool = False) -> bytes | None:
        if self._key is not None and self.key_file.exists():
            return self._key
        try:
            self._key = bytes.fromhex(self.key_file.read_text(encoding="ascii").strip())
            return self._key
        except FileNotFoundError:
            if not create:
                return None
        except ValueError:
            return None
        self.key_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(self.key_file, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:  # another terminal made it a moment ago
            return self.key()
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_hex(32) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        return self.key()

    def seal(self, entry_hash: str) -> str:
        key = self.key(create=True)
        assert key is not None
        return hmac.new(key, _SEAL_TAG + entry_hash.encode("ascii"), hashlib.sha256).hexdigest()

    def sealed(self, entry_hash: str, seal: str | None) -> bool:
        """True only when `seal` was made with this site's key over this hash."""
        key = self.key()
        if key is None or not seal:
            return False
        good = hmac.new(key, _SEAL_TAG + entry_hash.encode("ascii"), hashlib.sha256).hexdigest()
        return hmac.compare_digest(good, seal)

    # --- the anchor file --------------------------------------------------------------------------------------

    def _mac(self, key: bytes, heads: Mapping[int, Head], legacy: Mapping[int, int]) -> str:
        body = json.dumps(
            {
                "heads": {str(k): [h.seq, h.hash] for k, h in sorted(heads.items())},
                "legacy": {str(k): n for k, n in sorted(legacy.items())},
            },
            separators=(",", ":"),
            sort_keys=True,
        )
        return hmac.new(key, _ANCHOR_TAG + body.encode("utf-8"), hashlib.sha256).hexdigest()

    def read_anchor(self, path: Path | None = None) -> AnchorFile | None:
        path = path or self.anchor_file
        if path is None:
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            heads = {int(k): Head(int(v["seq"]), str(v["hash"])) for k, v in data["heads"].items()}
            legacy = {int(k): int(v) for k, v in data.get("legacy", {}).items()}
            mac = str(data.get("mac", ""))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return AnchorFile(path, {}, False)
        key = self.key()
        valid = key is not None and hmac.compare_digest(self._mac(key, heads, legacy), mac)
        return AnchorFile(path, heads, valid, legacy if valid else {})

    def write_anchor(
        self, heads: Mapping[int, Head], path: Path | None = None, *, legacy: Mapping[int, int] | None = None
    ) -> None:
        """Write `heads` as they are (restore, a backup's sidecar); `legacy` as given, else as the file had it."""
        path = path or self.anchor_file
        if path is None:
            return
        key = self.key(create=True)
        assert key is not None
        if legacy is None:
            current = self.read_anchor()
            legacy = current.legacy if current is not None else {}
        now = datetime.now(UTC).isoformat(timespec="seconds")
        body = {
            "v": 1,
            "heads": {str(k): {"seq": h.seq, "hash": h.hash, "at": now} for k, h in sorted(heads.items())},
            "legacy": {str(k): n for k, n in sorted(legacy.items())},
            "mac": self._mac(key, heads, legacy),
        }
        _private_write(path, (json.dumps(body, indent=1) + "\n").encode("utf-8"))

    def ensure(self, heads_now: Callable[[], Mapping[int, Head]]) -> None:
        """First use on a database (no key, no anchor file yet): make the key and the anchor at the current heads.
        Entries up to those heads were written before seals existed (a database upgraded from before them): their
        signatures count without a seal ("legacy"), recorded in the MACed anchor so the database alone cannot move
        the boundary. Nothing is done once either file exists (a missing one is then reported by verify)."""
        if self.anchor_file is None or self.key_file.exists() or self.anchor_file.exists():
            return
        with self._locked():
            if self.anchor_file.exists():
                return
            heads = dict(heads_now())
            self.write_anchor(heads, legacy={site: h.seq for site, h in heads.items()})

    def legacy(self, site_id: int) -> int:
        """Up to which entry of the site signatures count without a seal (0: none)."""
        found = self.read_anchor()
        return found.legacy.get(site_id, 0) if found is not None else 0

    def raise_anchor(self, heads: Mapping[int, Head]) -> None:
        """Move the anchor file up to `heads` (a site's head only ever rises here), under the key file's lock."""
        if self.anchor_file is None:
            return
        with self._locked():
            current = self.read_anchor()
            if current is not None and not current.valid:
                return  # not ours (edited, or another site's): left for verify to report, never papered over
            merged = dict(current.heads) if current is not None else {}
            changed = current is None
            for site, head in heads.items():
                have = merged.get(site)
                if have is None or head.seq > have.seq:
                    merged[site] = head
                    changed = True
            if changed:
                self.write_anchor(merged, legacy=current.legacy if current is not None else {})

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.key(create=True)
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not on POSIX: no lock between terminals
            yield
            return
        with self.key_file.open("rb") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


@functools.cache
def _keeper(key_file: Path, anchor_file: Path) -> Keeper:
    return Keeper(key_file, anchor_file)


def keeper_for(url: str) -> Keeper:
    """The key and anchor file of the database at `url` (a deskui database URL)."""
    return _keeper(key_path(url), anchor_path(url))


def bind_url(bind: Engine | Connection) -> str:
    """A deskui database URL from a SQLAlchemy engine or connection (its password never needed)."""
    return bind.engine.url.render_as_string(hide_password=True)  # an Engine's .engine is itself


__all__ = [
    "SEALED_KINDS",
    "AnchorFile",
    "Head",
    "Keeper",
    "anchor_path",
    "bind_url",
    "keeper_for",
    "key_path",
    "sidecar",
]
