"""deskui.services.calls.service."""
