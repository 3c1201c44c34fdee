"""deskui.services.directory.service."""
