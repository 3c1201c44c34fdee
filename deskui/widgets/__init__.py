"""Reusable widgets; like screens, they talk to services and never to the database."""
