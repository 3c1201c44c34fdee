"""Errors a person can act on. Their text is already translated and safe to show as it is."""

from __future__ import annotations


class DatabaseUnavailable(RuntimeError):
    """The database cannot be opened or used; the message is safe to show (passwords masked)."""


class DeskError(Exception):
    """Base: a rule said no. Nothing was written."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationError(DeskError):
    """Input that breaks a rule; `field` names the form field it belongs next to."""


class NotFound(DeskError):
    pass


class Conflict(DeskError):
    """Someone else got there first (duplicate name, changed by another terminal, …)."""


class PermissionDenied(DeskError):
    pass


class PinRejected(DeskError):
    def __init__(self, message: str, *, attempts_left: int) -> None:
        super().__init__(message, field="pin")
        self.attempts_left = attempts_left


class OperatorLocked(DeskError):
    def __init__(self, message: str, *, until: object) -> None:
        super().__init__(message, field="pin")
        self.until = until


class ImportFailed(DeskError):
    """An import file was refused; the message names the file, row, column and reason."""
