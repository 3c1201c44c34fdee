"""deskui.services.tickets.service."""
