"""The Tickets section: the queues (`screen`), a ticket (`detail`, its action forms in `actions`), a ticket from a
call (`new`), and the tickets' kind of the one modal form (`forms`)."""

from deskui.screens.tickets.detail import TicketDetailScreen
from deskui.screens.tickets.forms import TicketFormScreen
from deskui.screens.tickets.new import NewTicketScreen
from deskui.screens.tickets.screen import TicketsScreen

__all__ = ["NewTicketScreen", "TicketDetailScreen", "TicketFormScreen", "TicketsScreen"]
