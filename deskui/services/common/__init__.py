"""deskui.services.common."""
