"""The Handover section: the checklist (`screen`, shown by `view`, acted on by `actions`) and the section's other
views, each a screen over `base`: the duty log, the roster, the key log (`keylog`), the daily review."""

from deskui.screens.handover.dutylog import DutyLogScreen
from deskui.screens.handover.keylog import KeyLogScreen
from deskui.screens.handover.review import ReviewScreen
from deskui.screens.handover.roster import RosterScreen
from deskui.screens.handover.screen import HandoverScreen

__all__ = ["DutyLogScreen", "HandoverScreen", "KeyLogScreen", "ReviewScreen", "RosterScreen"]
