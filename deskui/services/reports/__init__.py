"""deskui.services.reports.service."""
