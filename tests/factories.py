"""Small row builders for tests that need a few rows without the write services: plain
statements from the table classes, so they serve both engines; and `sql`, the tests' own
way to look at what a database holds (qmark SQL, run on either engine)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import insert, select, text

from retainer_tui.db.base import Database
from retainer_tui.db.models import Client, Goal, Payment, Report, Result, Tier
from retainer_tui.db.statements import upsert


def add_client(
    db: Database,
    name: str,
    *,
    tier: str | None = "Tier 1",
    fee_cents: int | None = None,
    status: str = "active",
    start: str | None = "2026-01",
    end: str | None = None,
    billing_day: int = 1,
    report_due_day: int = 5,
    company: str = "",
    tracked_from: str | None = None,
) -> int:
    with db.writing() as session:
        tier_id = None
        if tier is not None:
            tier_id = session.execute(select(Tier.id).where(Tier.name == tier)).scalar_one()
        values = dict(
            name=name, company=company, decision_maker="", email="", phone="",
            service_type="social media", tier_id=tier_id, fee_override_cents=fee_cents,
            billing_day=billing_day, report_due_day=report_due_day, start_month=start,
            end_month=end, tracked_from=tracked_from, status=status, notes="", stage="",
            next_action="", objections="",
        )  # fmt: skip
        new_id = session.execute(insert(Client).values(values).returning(Client.id)).scalar_one()
        return int(new_id)


def _put(db: Database, model: Any, keys: list[str], row: dict[str, Any]) -> None:
    with db.writing() as session:
        session.execute(upsert(session, model, keys=keys), [row])


def set_goal(db: Database, client_id: int, metric: str, month: str, target: int) -> None:
    row = dict(client_id=client_id, metric_key=metric, month=month, target=target)
    _put(db, Goal, ["client_id", "metric_key", "month"], row)


def set_result(db: Database, client_id: int, metric: str, month: str, actual: int) -> None:
    row = dict(client_id=client_id, metric_key=metric, month=month, actual=actual)
    _put(db, Result, ["client_id", "metric_key", "month"], row)


def mark_paid(db: Database, client_id: int, month: str, cents: int, on: str) -> None:
    row = dict(client_id=client_id, month=month, amount_cents=cents, received_on=_day(on))
    _put(db, Payment, ["client_id", "month"], row)


def mark_sent(db: Database, client_id: int, month: str, on: str) -> None:
    row = dict(client_id=client_id, month=month, sent_on=_day(on), highlights="")
    _put(db, Report, ["client_id", "month"], row)


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


_QMARK = re.compile(r"\?")


def sql(db: Database, statement: str, *params: Any) -> list[tuple[Any, ...]]:
    """Run one SQL statement the test wrote (qmark style: `WHERE id = ?`) on whichever
    engine db is, in its own unit of work; the rows it returns, as tuples."""
    counter = iter(range(len(params)))
    bound = _QMARK.sub(lambda _m: f":p{next(counter)}", statement)
    values = {f"p{i}": value for i, value in enumerate(params)}
    writes = not statement.lstrip().upper().startswith(("SELECT", "WITH"))
    unit = db.writing() if writes else db.reading()
    with unit as session:
        result = session.execute(text(bound), values)
        return [tuple(row) for row in result] if result.returns_rows else []


def one(db: Database, statement: str, *params: Any) -> Any:
    """The single value a one-row, one-column query returns."""
    rows = sql(db, statement, *params)
    assert len(rows) == 1 and len(rows[0]) == 1, rows
    return rows[0][0]
