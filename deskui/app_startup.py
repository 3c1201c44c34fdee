"""The app's start-up work, off the UI thread: the database opened (SQLAlchemy, migrations), the user's keymap
checked against every binding, the whole file's integrity read once the first screen is in use. DeskApp builds on
it; kept apart so the app's class stays about the desk (sign-in, lock, sections, language) and under 400 lines."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import App

from deskui.core.i18n import t
from deskui.messages import ServicesFailed, ServicesOpened

if TYPE_CHECKING:
    from weakref import WeakSet

    from deskui.core.clock import Clock
    from deskui.core.config import Settings
    from deskui.desk import FollowsLanguage
    from deskui.services import Services


class StartupWork(App[None]):
    """Opening the services and the two checks that follow; what they find is kept on the app for screens to read
    (`services`, `open_error`, `integrity_error`, `keymap`) and posted to the screen shown."""

    settings: Settings
    clock: Clock
    services: Services | None
    open_error: str | None
    integrity_checked: bool
    integrity_error: str | None
    keymap: dict[str, str]
    keymap_checked: bool
    desk_screens: WeakSet[FollowsLanguage]

    @work(thread=True, exclusive=True, exit_on_error=False, group="database")
    def open_services(self) -> None:
        from deskui.core.errors import DatabaseUnavailable, DeskError
        from deskui.services import open_services

        try:
            services = open_services(self.settings, self.clock)
        except (DatabaseUnavailable, DeskError) as exc:  # DeskError: busy just after opening, while reading the site
            from deskui.services.common.masking import mask_secrets, remember_url

            # The driver's own error may quote a piece of the URL's password (a raw '@' read as the host).
            remember_url(self.settings.database_url)
            self.call_from_thread(self._services_failed, mask_secrets(str(exc)))
            return
        self.call_from_thread(self._services_opened, services)

    @work(thread=True, exclusive=True, exit_on_error=False, group="keymap")
    def check_keymap(self) -> None:
        """The user's [keys] checked against every binding id (importing the screens: off the UI thread)."""
        from deskui.screens.palette.keymap import unknown_ids

        unknown = unknown_ids(self.settings.keys, type(self))
        self.call_from_thread(self._keymap_checked, unknown)

    def _keymap_checked(self, unknown: list[str]) -> None:
        """Applied whole, or not at all: one id no binding has, and no key changes (the message names them)."""
        self.keymap_checked = True
        if unknown:
            ids = ", ".join(unknown)
            self.notify(
                t("[keys] in the configuration: no binding {ids}; no key was changed", ids=ids),
                title=t("Keys"),
                severity="error",
                timeout=30,
                markup=False,
            )
            return
        self.keymap = dict(self.settings.keys)
        self.set_keymap(self.keymap)
        for screen in list(self.desk_screens):
            screen.refresh_headers()
        self.screen.refresh(recompose=False, repaint=True)

    def _services_opened(self, services: Services) -> None:
        self.services = services
        self.screen.post_message(ServicesOpened(services))
        # The whole-file check opening no longer makes (issue 11), once the first screen is usable and typed on.
        self.set_timer(self.integrity_delay_seconds, self.check_integrity)

    @property
    def integrity_delay_seconds(self) -> float:
        return 3.0

    @work(thread=True, exclusive=True, exit_on_error=False, group="integrity")
    def check_integrity(self) -> None:
        """Every page of the database file read, off the UI thread; a damaged file is told at once, and stays told.
        Abandoned when the app quits (the worker cancelled)."""
        from textual.worker import get_current_worker

        from deskui.services.admin import check_integrity

        services, worker = self.services, get_current_worker()
        if services is None:
            return
        problem = check_integrity(services.db, stop=lambda: worker.is_cancelled)
        if not worker.is_cancelled:
            self.call_from_thread(self._integrity_checked, problem)

    def _integrity_checked(self, message: str | None) -> None:
        self.integrity_checked = True
        if message is None:
            return
        self.integrity_error = message
        self.notify(message, title=t("The database is damaged"), severity="error", timeout=86_400, markup=False)

    def _services_failed(self, reason: str) -> None:
        self.open_error = reason
        self.screen.post_message(ServicesFailed(reason))
