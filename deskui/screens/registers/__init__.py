"""The Registers section (F10): the desk's registers behind one key, each its own view with a digit.

`switch` lists them (1 visitors, 2 parcels, 3 passes, 4 patrols, 5 renovations, 6 keys) and opens one; `table` is
the screen of the first three (one table, three views); `palette` finds an entry from the command palette (a pass
number, a visitor's name, a parcel's tracking number) and opens its register at that row.
"""

from deskui.screens.registers.table import RegistersScreen

__all__ = ["RegistersScreen"]
