"""CallService: the call and visit log (来电来访登记) of one desk, put together from its parts.

Rules (DOMAIN.md "Logging a call or visit"):
- every call is saved as typed, once, and never changed (003 4.1.8); a correction is a new row (`amends_id`);
- saving is idempotent per form (client token), and the form's draft goes in the same transaction;
- the search index rows are written in the same transaction as the call, so search never misses a saved call;
- bad input raises ValidationError(field=…) before anything is written.

The parts share one state (the context, the limits, the caches) and are mixed into the one service the screens,
the CLI and the other services use: checking (`_check`), saving (`_store`), reading and search (`_search`),
lookups and open matters (`_lookups`), drafts (`_drafts`); reading back is a plain function (`_readback`).
"""

from __future__ import annotations

from deskui.services.calls._drafts import CallDrafts
from deskui.services.calls._lookups import CallLookups
from deskui.services.calls._readback import read_back
from deskui.services.calls._search import CallReads
from deskui.services.calls._store import CallStore
from deskui.services.calls._types import CallInfo, CheckedCall
from deskui.services.context import DeskContext
from deskui.services.directory import DirectoryService


class CallService(CallStore, CallReads, CallLookups, CallDrafts):
    """Check, save, amend, list, search and read back calls; drafts; bulk inserts for imports."""

    def __init__(self, ctx: DeskContext, *, directory: DirectoryService) -> None:
        super().__init__(ctx)
        self.directory = directory
        # Open matters come from sources; the ticket service adds one for open tickets.
        self.open_matter_sources = [self._recent_calls_matters]
        self.saved_hooks = []

    def read_back(self, call: CallInfo | CheckedCall, language: str | None = None) -> str:
        """The call as one sentence to read back to the caller before hanging up (000: 重述…以防错漏)."""
        return read_back(call, settings=self.settings, limits=self.limits, tz=self.tz, language=language)
