"""Text deskui writes into a record it opens itself where a sentence must be stored (a ticket's description: the
queues, searches and work orders read it), said in the site's language (settings.language, the office's data
language) — never in the UI language of whoever happened to be signed in (issue 12). Everything a reader's screen
shows is still translated with t() when shown."""

from __future__ import annotations

from deskui.core.i18n import catalog


def site_text(language: str, msgid: str, /, **params: object) -> str:
    """`msgid` in `language` (the site's), with its `{name}` placeholders filled: t() without the UI language."""
    text = catalog(language).get(msgid, msgid)
    return text.format(**params) if params else text
