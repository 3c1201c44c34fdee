"""The call and visit log (来电来访登记): check, save, amend, list, search, read back; drafts; import and export.

This is the package's public API; its modules are private:
- `_types`: what goes in and out (CallInput, CheckedCall, CallInfo, open matters, drafts);
- `_rows`: the call table as Core reads and writes it, and rows turned into CallInfo;
- `_check`, `_store`, `_search`, `_lookups`, `_drafts`: the parts of CallService (`_service`); `_readback`;
- `_bulk_import`: `deskui import calls FILE.csv`; `_export`: CSV, JSON and XLSX out.
"""

from __future__ import annotations

from deskui.services.calls._bulk_import import import_calls
from deskui.services.calls._check import search_fields, unit_key
from deskui.services.calls._export import export, write_csv, write_json
from deskui.services.calls._export import record as call_record
from deskui.services.calls._service import CallService
from deskui.services.calls._types import (
    CallerLookup,
    CallInfo,
    CallInput,
    CheckedCall,
    DraftInfo,
    DuplicateWarning,
    OpenMatter,
    OpenMatterSource,
    SavedHook,
)

__all__ = [
    "CallInfo",
    "CallInput",
    "CallService",
    "CallerLookup",
    "CheckedCall",
    "DraftInfo",
    "DuplicateWarning",
    "OpenMatter",
    "OpenMatterSource",
    "SavedHook",
    "call_record",
    "export",
    "import_calls",
    "search_fields",
    "unit_key",
    "write_csv",
    "write_json",
]
