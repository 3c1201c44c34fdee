"""deskui.core."""
