"""The command palette (ctrl+p): every key's action from the same registry as the
bindings, plus "Go to client …" for every client and "Go to month …"."""

from __future__ import annotations

import asyncio
import calendar
import re
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from retainer_tui.domain.month import Month, MonthError
from retainer_tui.tui.keys import (
    APP_KEYS,
    DASHBOARD_KEYS,
    KEYS_BY_SCREEN,
    effective_keys,
    key_label,
)

if TYPE_CHECKING:
    from retainer_tui.tui.app import RetainerApp

# Textual's own palette already offers these (Theme, Quit).
_SKIP = frozenset({"change-theme", "quit"})
# With more clients than this, names are matched as substrings before fuzzy scoring.
_FUZZY_LIMIT = 500
_MAX_CLIENT_HITS = 40
_PREFIX = re.compile(r"^\s*(go\s*to\s*)?(client|month)?\s*:?\s*", re.IGNORECASE)

Command = tuple[str, str, Callable[[], object]]


def month_candidates(around: Month) -> list[Month]:
    """Three years back to one year ahead of the as-of month (within 1990-01..2099-12)."""
    return [m for m in (around.plus(offset) for offset in range(-36, 13)) if m.accepted]


def parse_month(text: str) -> Month | None:
    """'2026-03', 'mar 2026', 'March 2026' or 'march' (this year) as a month."""
    text = text.strip().lower()
    try:
        return Month.parse(text)
    except MonthError:
        pass
    names = {n.lower(): i for i, n in enumerate(calendar.month_name) if n}
    names |= {n.lower(): i for i, n in enumerate(calendar.month_abbr) if n}
    match = re.fullmatch(r"([a-z]+)\.?\s*([0-9]{4})?", text)
    if match and match.group(1) in names and match.group(2):
        year = int(match.group(2))
        # "march 0000" or "march 2150": no month the app goes to.
        if Month.MIN.year <= year <= Month.MAX.year:
            return Month(year, names[match.group(1)])
    return None


class RetainerCommands(Provider):
    """Commands of the screen the palette was opened on, then the dashboard's and the app's."""

    if TYPE_CHECKING:  # the RetainerApp, typed only (see FormScreen.app)

        @property
        def app(self) -> RetainerApp: ...

    def _help_text(self, spec_id: str, key: str) -> str:
        for spec in (*APP_KEYS, *DASHBOARD_KEYS, *(s for v in KEYS_BY_SCREEN.values() for s in v)):
            if spec.id == spec_id:
                keys = effective_keys(spec, self.app.settings.keymap)
                return "key: " + " / ".join(key_label(k) for k in keys)
        return f"key: {key_label(key)}"

    def commands(self) -> list[Command]:
        app = self.app
        screen = self.screen
        scope = getattr(screen, "KEY_SCOPE", "")
        seen: set[str] = set()
        found: list[Command] = []
        if scope and scope not in ("dashboard", "help"):
            for spec in KEYS_BY_SCREEN.get(scope, ()):
                if spec.palette:
                    seen.add(spec.id)
                    found.append(
                        (
                            spec.help,
                            self._help_text(spec.id, spec.key),
                            partial(app.run_action, spec.action, screen),
                        )
                    )
        for spec in DASHBOARD_KEYS:
            if spec.palette and spec.id not in seen:
                found.append(
                    (
                        spec.help,
                        self._help_text(spec.id, spec.key),
                        partial(app.run_dashboard_action, spec.action),
                    )
                )
        for spec in APP_KEYS:
            if spec.palette and spec.id not in _SKIP:
                found.append(
                    (
                        spec.help,
                        self._help_text(spec.id, spec.key),
                        partial(app.run_action, spec.action),
                    )
                )
        return found

    async def discover(self) -> Hits:
        for text, help_text, callback in self.commands():
            yield DiscoveryHit(text, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, help_text, callback in self.commands():
            if (score := matcher.match(text)) > 0:
                yield Hit(score, matcher.highlight(text), callback, help=help_text)
        async for hit in self._month_hits(query):
            yield hit
        async for hit in self._client_hits(query):
            yield hit

    async def _month_hits(self, query: str) -> Hits:
        app = self.app
        matcher = self.matcher(query)
        exact = parse_month(_PREFIX.sub("", query))
        months = month_candidates(Month.of(app.today))
        if exact is not None and exact not in months:
            months.append(exact)
        for month in months:
            text = f"Go to month {month.label()} ({month})"
            score = 1.0 if month == exact else matcher.match(text)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(text),
                    partial(app.go_to_month, month),
                    text=text,
                    help="show the dashboard for that month",
                )

    async def _client_hits(self, query: str) -> Hits:
        app = self.app
        directory = app.client_directory
        matcher = self.matcher(query)
        needle = _PREFIX.sub("", query).strip().casefold()
        hits = 0
        for index, (client_id, name, company) in enumerate(directory):
            if index and index % 500 == 0:
                await asyncio.sleep(0)  # many clients: let the palette keep typing
            if (
                len(directory) > _FUZZY_LIMIT
                and needle
                and (needle not in name.casefold() and needle not in company.casefold())
            ):
                continue
            text = f"Go to client {name}"
            score = matcher.match(text)
            if score <= 0 and needle and needle in company.casefold():
                score = 0.5
            if score > 0:
                hits += 1
                yield Hit(
                    score,
                    matcher.highlight(text),
                    partial(app.show_client, client_id),
                    text=text,
                    help=company or "open the client's page",
                )
                if hits >= _MAX_CLIENT_HITS:
                    return
