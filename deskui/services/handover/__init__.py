"""deskui.services.handover.service."""
