"""Errors whose messages name the input and the fix."""

from __future__ import annotations


class DragomanError(Exception):
    """Base class: `str(err)` is a message for a person, naming what failed and what to do."""


class InputError(DragomanError):
    """An input (file, folder, record) that cannot be read or coded."""

    def __init__(self, input: str, reason: str, fix: str, record: str | None = None):
        self.input = input
        self.reason = reason
        self.fix = fix
        self.record = record
        where = f"{input}:{record}" if record else input
        super().__init__(f"{where}: {reason}. {fix}")


class StoreError(DragomanError):
    """The store cannot be opened, read or written."""


class UsageError(DragomanError):
    """A command-line option or argument is wrong."""
