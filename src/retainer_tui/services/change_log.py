"""Every change signed: the rows an action changed, field by field, with who and when,
written in the action's own transaction; read back for `retainer log`, the client page,
and undo's "who changed it since".

A change to a record is one entry per field changed (before → after, as text); a record
added or deleted is one entry whose field is None and whose after (or before) is the
whole record as JSON. Values are shown as text: dates ISO, None as NULL (no text).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from retainer_tui.db.base import AUTHOR, Database, login_name
from retainer_tui.db.models import ChangeLog, Client

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlmodel import Session

    from retainer_tui.services.undo import Change, Row, RowChange


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One line of the log: when, who, which action, and what it changed."""

    id: int
    at: str
    author: str
    action: str
    table: str
    record: str
    client_id: int | None
    client: str | None  # the client's name now (None once it is gone, or for a tier)
    field: str | None
    before: str | None
    after: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "at": self.at,
            "user": self.author,
            "action": self.action,
            "table": self.table,
            "record": self.record,
            "client": self.client,
            "field": self.field,
            "before": self.before,
            "after": self.after,
        }

    def describe(self) -> str:
        """What changed, in a few words: "fee_override_cents: 150000 → 180000", "client
        Rossi Bakery added"; an action that is not a record's change (an import) says
        nothing more than its action."""
        if not self.table:
            return ""
        if self.field is None:
            whole = self.after if self.before is None else self.before
            name = _name_in(whole) if self.table in ("client", "tier") else None
            what = f"{self.table} {name or self._own_record()}"
            return f"{what} added" if self.before is None else f"{what} deleted"
        return f"{self.field}: {_shown(self.before)} → {_shown(self.after)}"

    def _own_record(self) -> str:
        """The record's key without the client it belongs to ("2026-11", not "4/2026-11")."""
        prefix = f"{self.client_id}/"
        if self.client_id is not None and self.record.startswith(prefix):
            return self.record[len(prefix) :]
        return self.record


def _name_in(whole: str | None) -> str | None:
    try:
        name = json.loads(whole or "").get("name")
    except (ValueError, AttributeError):
        return None
    return name if isinstance(name, str) else None


def _shown(value: str | None) -> str:
    return "(none)" if value is None else (value if value else '""')


def now_utc() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _record(key: Sequence[Any]) -> str:
    return "/".join(str(part) for part in key)


def _client_of(rc: RowChange) -> int | None:
    if rc.table == "client":
        return int(rc.key[0])
    for row in (rc.after, rc.before):
        if row is not None:
            value = dict(row).get("client_id")
            if value is not None:
                return int(value)
    return None


def _whole(row: Row) -> str:
    return json.dumps(dict(row), ensure_ascii=False, default=_text)


def entries_of(change: Change) -> list[dict[str, Any]]:
    """The log rows (without who and when) of a change."""
    rows: list[dict[str, Any]] = []
    for rc in change.rows:
        base = {
            "action": change.label or "a change",
            "table_name": rc.table,
            "record": _record(rc.key),
            "client_id": _client_of(rc),
        }
        if rc.before is None or rc.after is None:
            whole = rc.after if rc.before is None else rc.before
            assert whole is not None
            side = "after" if rc.before is None else "before"
            rows.append({**base, "field": None, "before": None, "after": None, side: _whole(whole)})
            continue
        before = dict(rc.before)
        for name, value in rc.after:
            if before.get(name) != value:
                old = _text(before.get(name))
                rows.append({**base, "field": name, "before": old, "after": _text(value)})
    return rows


def sign(session: Session, change: Change) -> None:
    """Write the change's log rows in the session's transaction, signed by its author."""
    from sqlalchemy import insert

    rows = entries_of(change)
    if not rows:
        return
    author = str(session.info.get(AUTHOR) or login_name())
    at = now_utc()
    session.execute(insert(ChangeLog), [{**row, "at": at, "author": author} for row in rows])


def sign_action(session: Session, action: str, *, client_id: int | None = None) -> None:
    """One log row for an action that is not a field-by-field change (an import)."""
    from sqlalchemy import insert

    session.execute(
        insert(ChangeLog).values(
            at=now_utc(),
            author=str(session.info.get(AUTHOR) or login_name()),
            action=action,
            table_name="",
            record="",
            client_id=client_id,
        )
    )


@dataclass(frozen=True, slots=True)
class LastChange:
    author: str
    at: str


def changed_since(session: Session, rows: Iterable[RowChange], *, but: str) -> LastChange | None:
    """The latest change to any of the records by someone other than `but`, if any."""
    from sqlalchemy import and_, or_, select
    from sqlmodel import col

    wanted = [
        and_(col(ChangeLog.table_name) == rc.table, col(ChangeLog.record) == _record(rc.key))
        for rc in rows
    ]
    if not wanted:
        return None
    found = session.execute(
        select(_log().c.author, _log().c.at)
        .where(or_(*wanted), col(ChangeLog.author) != but)
        .order_by(col(ChangeLog.id).desc())
        .limit(1)
    ).first()
    return None if found is None else LastChange(found[0], found[1])


def _log() -> Table:
    from retainer_tui.db.models import metadata

    return metadata.tables["change_log"]


def read_log(
    db: Database,
    *,
    client_id: int | None = None,
    since: date | None = None,
    limit: int | None = None,
) -> list[LogEntry]:
    """The log, newest first: every entry, or one client's, from a day on."""
    with db.reading() as session:
        return log_entries(session, client_id=client_id, since=since, limit=limit)


def log_entries(
    session: Session,
    *,
    client_id: int | None = None,
    since: date | None = None,
    limit: int | None = None,
) -> list[LogEntry]:
    """read_log inside the caller's unit of work (the client page reads it with the rest)."""
    from sqlalchemy import select
    from sqlmodel import col

    log = _log()
    names = ("id", "at", "author", "action", "table_name", "record", "client_id")
    stmt = (
        select(
            *(log.c[name] for name in names),
            col(Client.name),
            log.c.field,
            log.c.before,
            log.c.after,
        )
        .outerjoin(Client, col(Client.id) == log.c.client_id)
        .order_by(log.c.id.desc())
    )
    if client_id is not None:
        stmt = stmt.where(log.c.client_id == client_id)
    if since is not None:
        stmt = stmt.where(log.c.at >= f"{since.isoformat()}T00:00:00Z")
    if limit is not None:
        stmt = stmt.limit(limit)
    return [LogEntry(*row) for row in session.execute(stmt)]
