"""Screens, one module each. They call services (in threads) and never touch the database themselves."""
