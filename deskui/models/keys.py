"""The keys the desk holds 钥匙台账 (issue 13; 003 3 客户管家 3: 业主钥匙的接管、分类标识、借用管理; 4.1.3 f).

A key is a thing the desk keeps: its label (unique per site among the keys held), what it opens, where it hangs
(a hook or a box), and whose authority is needed to lend it (free text, e.g. "业主书面同意" for an owner's key left
in trust; empty when the desk may lend it on its own). Loans stay in the key log (models.handover: `key_loan`,
`key_return`), matched by the key's tag (the label as services.handover.normalize_tag compares it).

All three tables are append-only (migration 0010: UPDATE, DELETE, TRUNCATE and INSERT OR REPLACE refused):
- `key_item`: a key added, or a correction of one (`replaces_id`: the entry it corrects; one correction per entry,
  so a key's entries form one line, and the newest is what holds);
- `key_retirement`: a key no longer held (lost, handed back to its owner, lock changed), one per entry;
- `key_loan_authority`: the authority note of a loan of a key that needs one (how the owner's consent was given).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field

from deskui.models.base import SiteScoped


class KeyItem(SiteScoped, table=True):
    """A key the desk holds, as added (or as corrected: a new entry replacing an earlier one)."""

    __tablename__ = "key_item"
    __table_args__ = (Index("ix_key_item_tag", "site_id", "tag", "id"),)

    site_id: int = Field(foreign_key="site.id")
    id: int | None = Field(default=None, primary_key=True)
    label: str = Field(max_length=64)  # as typed
    tag: str = Field(max_length=64)  # as compared (NFKC, spaces collapsed, upper case): what a loan names
    opens: str = Field(max_length=200)
    hook: str = Field(max_length=64)
    authority: str = Field(default="", max_length=200)  # whose authority lending needs; "" the desk's own
    added_at: datetime
    replaces_id: int | None = Field(default=None, foreign_key="key_item.id", unique=True)
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    operator_name: str = Field(default="", max_length=100)


class KeyRetirement(SiteScoped, table=True):
    """A key the desk no longer holds: a row of its own, so the key's entry stays as written."""

    __tablename__ = "key_retirement"

    site_id: int = Field(foreign_key="site.id", index=True)
    id: int | None = Field(default=None, primary_key=True)
    key_id: int = Field(foreign_key="key_item.id", unique=True)
    reason: str = Field(max_length=400)
    retired_at: datetime
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    operator_name: str = Field(default="", max_length=100)


class KeyLoanAuthority(SiteScoped, table=True):
    """The authority a loan was made under (a key that needs one): the note as typed. One per loan."""

    __tablename__ = "key_loan_authority"

    site_id: int = Field(foreign_key="site.id", index=True)
    id: int | None = Field(default=None, primary_key=True)
    loan_id: int = Field(foreign_key="key_loan.id", unique=True)
    note: str = Field(max_length=400)
