"""Waiting for an app's workers in Pilot tests."""

from __future__ import annotations

import asyncio

from textual.app import App


async def workers_done(app: App[object]) -> None:
    """Until no worker runs, those started meanwhile included. Textual's `wait_for_complete` raises WorkerCancelled
    when an exclusive worker was replaced by a newer one of its group (the header's duty line, refetched after a
    save, in a loaded CI run): for the test that worker is done, its successor is waited for like any other."""
    while running := [worker for worker in app.workers if not worker.is_finished]:
        await asyncio.gather(*(worker.wait() for worker in running), return_exceptions=True)
