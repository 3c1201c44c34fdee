"""deskui.services.admin."""
