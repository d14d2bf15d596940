"""Monthly entries: goals (carried forward), results, hours, payments, report marks, metrics.

Each write is one short transaction through raw sqlite3 (a grid cell costs about a
millisecond), returns a frozen dataclass with the Change it made, and pushes that Change
onto the undo stack when one is given. Typed values are read with domain.validation;
refused values raise FormInvalid naming the field, and nothing is written.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from retainer_tui.db.engine import Database
from retainer_tui.domain import validation as v
from retainer_tui.domain.money import format_money
from retainer_tui.domain.month import Month
from retainer_tui.services.errors import FormInvalid, NotFound, ServiceError
from retainer_tui.services.undo import Change, Recorder, UndoStack, record

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class GoalSet:
    client_id: int
    metric: str
    month: Month
    target: int | None
    """None when the target set for that month was removed (the earlier one applies)."""
    change: Change


@dataclass(frozen=True, slots=True)
class GoalsSet:
    client_id: int
    month: Month
    targets: dict[str, int]
    change: Change


@dataclass(frozen=True, slots=True)
class TierDefaults:
    """The default goals of a client's tier (targets empty when the tier has none)."""

    tier_id: int
    tier: str
    targets: dict[str, int]


@dataclass(frozen=True, slots=True)
class GoalStep:
    """One change of target in a client's history."""

    metric: str
    month: Month
    target: int
    previous: int | None


@dataclass(frozen=True, slots=True)
class TargetInForce:
    metric: str
    target: int
    set_in: Month


@dataclass(frozen=True, slots=True)
class ResultSaved:
    client_id: int
    metric: str
    month: Month
    actual: int | None
    change: Change


@dataclass(frozen=True, slots=True)
class HoursSaved:
    client_id: int
    month: Month
    hours_x100: int | None
    change: Change


@dataclass(frozen=True, slots=True)
class PaymentSaved:
    client_id: int
    month: Month
    amount_cents: int | None
    """The month's amount received in all (None once unmarked)."""
    received_on: date | None
    change: Change
    added_cents: int | None = None
    """The instalment this save added."""


@dataclass(frozen=True, slots=True)
class ReportSaved:
    client_id: int
    month: Month
    sent_on: date | None
    change: Change


@dataclass(frozen=True, slots=True)
class MetricAdded:
    key: str
    label: str
    unit: str
    change: Change


def _field(field: str, read: Callable[[], T]) -> T:
    """Run a reader; a refused value becomes FormInvalid on that field."""
    try:
        return read()
    except v.InvalidValue as exc:
        raise FormInvalid({field: str(exc)}) from None


def _month(value: Month | str) -> Month:
    return _field("month", lambda: v.month(value))


def _client_name(conn: sqlite3.Connection, client_id: int) -> str:
    row = conn.execute("SELECT name FROM client WHERE id = ?", (client_id,)).fetchone()
    if row is None:
        raise NotFound("That client no longer exists")
    return str(row[0])


def _metric_label(conn: sqlite3.Connection, key: str) -> str:
    row = conn.execute("SELECT label FROM metric WHERE key = ?", (key,)).fetchone()
    if row is None:
        raise FormInvalid({"metric": f"there is no metric {key!r}"})
    return str(row[0])


# --- goals -------------------------------------------------------------------------------


_UPSERT_GOAL = (
    "INSERT INTO goal (client_id, metric_key, month, target) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (client_id, metric_key, month) DO UPDATE SET target = excluded.target"
)


def _write_goals(
    conn: sqlite3.Connection, rec: Recorder, client_id: int, month: Month, targets: dict[str, int]
) -> None:
    """Set each target from the month on, remembering the rows replaced for undo."""
    for key, value in targets.items():
        rec.touch("goal", (client_id, key, str(month)))
        conn.execute(_UPSERT_GOAL, (client_id, key, str(month), value))


def set_goal(
    db: Database,
    *,
    client_id: int,
    metric: str,
    month: Month | str,
    target: str | int,
    undo: UndoStack | None = None,
) -> GoalSet:
    """Set a target from a month on (0 stops tracking); earlier months keep theirs."""
    m = _month(month)
    value = _field("target", lambda: v.count(target, "target"))
    with db.write() as conn:
        name = _client_name(conn, client_id)
        label = _metric_label(conn, metric)
        rec = Recorder(conn)
        _write_goals(conn, rec, client_id, m, {metric: value})
        change = rec.finish(f"{label} target for {name} from {m}")
    return GoalSet(client_id, metric, m, value, record(undo, change))


def set_goals(
    db: Database,
    *,
    client_id: int,
    month: Month | str,
    targets: dict[str, str | int],
    undo: UndoStack | None = None,
) -> GoalsSet:
    """Set several targets from one month on, all or nothing, as one change to undo.

    `targets` maps metric keys to typed targets; a blank entry leaves that metric alone,
    0 stops tracking it. Refused values raise FormInvalid with fields "target:<metric>".
    """
    m = _month(month)
    clean: dict[str, int] = {}
    errors: dict[str, str] = {}
    for key, typed in targets.items():
        if isinstance(typed, str) and not typed.strip():
            continue
        try:
            clean[key] = v.count(typed, "target")
        except v.InvalidValue as exc:
            errors[f"target:{key}"] = str(exc)
    if errors:
        raise FormInvalid(errors)
    with db.write() as conn:
        name = _client_name(conn, client_id)
        known = {k for (k,) in conn.execute("SELECT key FROM metric")}
        unknown = [k for k in clean if k not in known]
        if unknown:
            raise FormInvalid({f"target:{k}": f"there is no metric {k!r}" for k in unknown})
        rec = Recorder(conn)
        _write_goals(conn, rec, client_id, m, clean)
        change = rec.finish(f"{name}'s targets from {m}")
    return GoalsSet(client_id, m, clean, record(undo, change))


def _tier_defaults(conn: sqlite3.Connection, client_id: int) -> TierDefaults | None:
    row = conn.execute(
        "SELECT t.id, t.name FROM client c LEFT JOIN tier t ON t.id = c.tier_id WHERE c.id = ?",
        (client_id,),
    ).fetchone()
    if row is None:
        raise NotFound("That client no longer exists")
    tier_id, tier = row
    if tier_id is None:
        return None
    targets = conn.execute(
        "SELECT g.metric_key, g.target FROM tier_goal g JOIN metric m ON m.key = g.metric_key "
        "WHERE g.tier_id = ? ORDER BY m.position, m.key",
        (tier_id,),
    ).fetchall()
    return TierDefaults(int(tier_id), str(tier), dict(targets))


def tier_defaults(db: Database, *, client_id: int) -> TierDefaults | None:
    """The client's tier and its default goals; None when the client has no tier."""
    with db.read() as conn:
        return _tier_defaults(conn, client_id)


def apply_tier_goals(
    db: Database,
    *,
    client_id: int,
    month: Month | str,
    undo: UndoStack | None = None,
) -> GoalsSet:
    """Set the client's targets from a month on to its tier's defaults, as one change.

    Metrics without a default keep their targets, and so do metrics whose target in force
    that month already is the default (no row is written for them); earlier months keep
    theirs. `targets` in the result holds the targets set. A client without a tier, or
    whose tier has no defaults, is refused (ServiceError).
    """
    m = _month(month)
    with db.write() as conn:
        name = _client_name(conn, client_id)
        defaults = _tier_defaults(conn, client_id)
        if defaults is None:
            raise ServiceError(f"{name} has no tier, so there are no tier defaults to apply")
        if not defaults.targets:
            raise ServiceError(
                f"{defaults.tier} has no default goals; set them in the tier's form (T, e)"
            )
        in_force = dict(
            conn.execute(
                "SELECT metric_key, target FROM goal g WHERE client_id = ? AND month = "
                "(SELECT MAX(month) FROM goal WHERE client_id = g.client_id "
                "AND metric_key = g.metric_key AND month <= ?)",
                (client_id, str(m)),
            ).fetchall()
        )
        targets = {k: t for k, t in defaults.targets.items() if in_force.get(k) != t}
        rec = Recorder(conn)
        _write_goals(conn, rec, client_id, m, targets)
        change = rec.finish(f"{name}'s targets from {m} ({defaults.tier}'s defaults)")
    return GoalsSet(client_id, m, targets, record(undo, change))


def clear_goal(
    db: Database,
    *,
    client_id: int,
    metric: str,
    month: Month | str,
    undo: UndoStack | None = None,
) -> GoalSet:
    """Remove the target set in exactly that month, so the earlier one carries forward."""
    m = _month(month)
    with db.write() as conn:
        name = _client_name(conn, client_id)
        label = _metric_label(conn, metric)
        rec = Recorder(conn)
        rec.touch("goal", (client_id, metric, str(m)))
        conn.execute(
            "DELETE FROM goal WHERE client_id = ? AND metric_key = ? AND month = ?",
            (client_id, metric, str(m)),
        )
        change = rec.finish(f"removing the {label} target for {name} from {m}")
    return GoalSet(client_id, metric, m, None, record(undo, change))


def goal_history(
    db: Database, *, client_id: int, metric: str | None = None
) -> tuple[GoalStep, ...]:
    """Every target change, per metric in catalogue order, oldest month first."""
    sql = (
        "SELECT g.metric_key, g.month, g.target FROM goal g JOIN metric m ON m.key = g.metric_key "
        "WHERE g.client_id = ?"
    )
    params: list[object] = [client_id]
    if metric is not None:
        sql += " AND g.metric_key = ?"
        params.append(metric)
    sql += " ORDER BY m.position, m.key, g.month"
    with db.read() as conn:
        rows = conn.execute(sql, params).fetchall()
    steps: list[GoalStep] = []
    previous: dict[str, int] = {}
    for key, month, target in rows:
        steps.append(GoalStep(key, Month.stored(month), target, previous.get(key)))
        previous[key] = target
    return tuple(steps)


def targets_in_force(
    db: Database, *, client_id: int, month: Month | str
) -> dict[str, TargetInForce]:
    """The target for each metric in a month (carry-forward), 0 targets included."""
    m = _month(month)
    with db.read() as conn:
        rows = conn.execute(
            "SELECT metric_key, target, MAX(month) FROM goal "
            "WHERE client_id = ? AND month <= ? GROUP BY metric_key",
            (client_id, str(m)),
        ).fetchall()
    return {key: TargetInForce(key, target, Month.stored(set_in)) for key, target, set_in in rows}


# --- results and hours -------------------------------------------------------------------


def _names(conn: sqlite3.Connection, client_id: int, metric: str) -> tuple[str, str]:
    """The client's name and the metric's label (NotFound / FormInvalid when missing)."""
    row = conn.execute(
        "SELECT c.name, m.label FROM client c, metric m WHERE c.id = ? AND m.key = ?",
        (client_id, metric),
    ).fetchone()
    if row is None:
        _client_name(conn, client_id)
        _metric_label(conn, metric)
    return str(row[0]), str(row[1])


def set_result(
    db: Database,
    *,
    client_id: int,
    metric: str,
    month: Month | str,
    actual: str | int,
    undo: UndoStack | None = None,
) -> ResultSaved:
    """Record (or correct) what was delivered for a metric in a month."""
    m = _month(month)
    value = _field("actual", lambda: v.count(actual, "result"))
    with db.write() as conn:
        name, label = _names(conn, client_id, metric)
        rec = Recorder(conn)
        rec.touch("result", (client_id, metric, str(m)))
        conn.execute(
            "INSERT INTO result (client_id, metric_key, month, actual) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (client_id, metric_key, month) DO UPDATE SET actual = excluded.actual",
            (client_id, metric, str(m), value),
        )
        change = rec.finish(f"{name}: {label} {value:,} in {m.short_label()}")
    return ResultSaved(client_id, metric, m, value, record(undo, change))


def clear_result(
    db: Database,
    *,
    client_id: int,
    metric: str,
    month: Month | str,
    undo: UndoStack | None = None,
) -> ResultSaved:
    """Remove a result (back to 'not entered')."""
    m = _month(month)
    with db.write() as conn:
        name, label = _names(conn, client_id, metric)
        rec = Recorder(conn)
        rec.touch("result", (client_id, metric, str(m)))
        conn.execute(
            "DELETE FROM result WHERE client_id = ? AND metric_key = ? AND month = ?",
            (client_id, metric, str(m)),
        )
        change = rec.finish(f"{name}: {label} cleared in {m.short_label()}")
    return ResultSaved(client_id, metric, m, None, record(undo, change))


def set_hours(
    db: Database,
    *,
    client_id: int,
    month: Month | str,
    hours: str | int,
    undo: UndoStack | None = None,
) -> HoursSaved:
    """Record the hours worked for a client in a month ('12.5' or 12)."""
    m = _month(month)
    value = _field("hours", lambda: v.hours_x100(hours, "hours"))
    with db.write() as conn:
        name = _client_name(conn, client_id)
        rec = Recorder(conn)
        rec.touch("hours", (client_id, str(m)))
        conn.execute(
            "INSERT INTO hours (client_id, month, hours_x100) VALUES (?, ?, ?) "
            "ON CONFLICT (client_id, month) DO UPDATE SET hours_x100 = excluded.hours_x100",
            (client_id, str(m), value),
        )
        change = rec.finish(f"{name}: {format_hours(value)} h in {m.short_label()}")
    return HoursSaved(client_id, m, value, record(undo, change))


def clear_hours(
    db: Database, *, client_id: int, month: Month | str, undo: UndoStack | None = None
) -> HoursSaved:
    """Remove the hours recorded for a month."""
    m = _month(month)
    with db.write() as conn:
        name = _client_name(conn, client_id)
        rec = Recorder(conn)
        rec.touch("hours", (client_id, str(m)))
        conn.execute("DELETE FROM hours WHERE client_id = ? AND month = ?", (client_id, str(m)))
        change = rec.finish(f"{name}: hours cleared in {m.short_label()}")
    return HoursSaved(client_id, m, None, record(undo, change))


def format_hours(hours_x100: int) -> str:
    """1250 -> '12.5', 1200 -> '12', 1225 -> '12.25'."""
    whole, frac = divmod(hours_x100, 100)
    if not frac:
        return str(whole)
    return f"{whole}.{frac:02d}".rstrip("0")


# --- payments and reports ----------------------------------------------------------------


def _not_future(day: date, today: date, what: str) -> date:
    if day > today:
        raise v.InvalidValue(f"{what} cannot be after today ({today.isoformat()})")
    return day


def mark_payment(
    db: Database,
    *,
    client_id: int,
    month: Month | str,
    today: date,
    received_on: str | date | None = None,
    amount: str | int | None = None,
    undo: UndoStack | None = None,
) -> PaymentSaved:
    """Record money received for the month's retainer: date defaults to today, amount to
    what is still owed of the fee. A second instalment is added to the month's amount."""
    m = _month(month)
    errors: dict[str, str] = {}
    day: date | None = None
    cents: int | None = None
    try:
        if received_on is None or (isinstance(received_on, str) and not received_on.strip()):
            day = today
        else:
            day = _not_future(v.a_date(received_on, "received date"), today, "received date")
    except v.InvalidValue as exc:
        errors["received_on"] = str(exc)
    try:
        if amount is not None and not (isinstance(amount, str) and not amount.strip()):
            if isinstance(amount, int) and not isinstance(amount, bool):
                cents = amount  # already cents from code
            else:
                cents = v.money(amount, "amount")
            if cents <= 0:
                raise v.InvalidValue("amount must be more than zero")
    except v.InvalidValue as exc:
        errors["amount"] = str(exc)
    if errors:
        raise FormInvalid(errors)
    assert day is not None
    with db.write() as conn:
        row = conn.execute(
            "SELECT c.name, coalesce(c.fee_override_cents, t.monthly_fee_cents, 0) "
            "FROM client c LEFT JOIN tier t ON t.id = c.tier_id WHERE c.id = ?",
            (client_id,),
        ).fetchone()
        if row is None:
            raise NotFound("That client no longer exists")
        name, fee = row
        before = conn.execute(
            "SELECT amount_cents FROM payment WHERE client_id = ? AND month = ?",
            (client_id, str(m)),
        ).fetchone()
        so_far = int(before[0]) if before else 0
        if cents is None:
            cents = int(fee) - so_far
            if cents <= 0:
                raise FormInvalid(
                    {
                        "amount": "received in full already: type the amount to add"
                        if so_far
                        else "this client has no fee: type the amount received"
                    }
                )
        rec = Recorder(conn)
        rec.touch("payment", (client_id, str(m)))
        # An instalment adds to what the month has; its date is the latest one received.
        conn.execute(
            "INSERT INTO payment (client_id, month, amount_cents, received_on) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (client_id, month) DO UPDATE SET "
            "amount_cents = payment.amount_cents + excluded.amount_cents, "
            "received_on = CASE WHEN excluded.received_on > payment.received_on "
            "THEN excluded.received_on ELSE payment.received_on END",
            (client_id, str(m), cents, day.isoformat()),
        )
        total, latest = conn.execute(
            "SELECT amount_cents, received_on FROM payment WHERE client_id = ? AND month = ?",
            (client_id, str(m)),
        ).fetchone()
        change = rec.finish(f"{name}'s {m.short_label()} payment ({format_money(cents)})")
    return PaymentSaved(
        client_id, m, int(total), date.fromisoformat(latest), record(undo, change), cents
    )


def unmark_payment(
    db: Database, *, client_id: int, month: Month | str, undo: UndoStack | None = None
) -> PaymentSaved:
    """The month's retainer was not received after all."""
    m = _month(month)
    with db.write() as conn:
        name = _client_name(conn, client_id)
        rec = Recorder(conn)
        rec.touch("payment", (client_id, str(m)))
        conn.execute("DELETE FROM payment WHERE client_id = ? AND month = ?", (client_id, str(m)))
        change = rec.finish(f"unmarking {name}'s {m.short_label()} payment")
    return PaymentSaved(client_id, m, None, None, record(undo, change))


def payment_for(db: Database, *, client_id: int, month: Month | str) -> tuple[int, date] | None:
    """(amount in cents, received date) when the month's retainer was received."""
    m = _month(month)
    with db.read() as conn:
        row = conn.execute(
            "SELECT amount_cents, received_on FROM payment WHERE client_id = ? AND month = ?",
            (client_id, str(m)),
        ).fetchone()
    return (int(row[0]), date.fromisoformat(row[1])) if row else None


def report_sent_on(db: Database, *, client_id: int, month: Month | str) -> date | None:
    m = _month(month)
    with db.read() as conn:
        row = conn.execute(
            "SELECT sent_on FROM report WHERE client_id = ? AND month = ?", (client_id, str(m))
        ).fetchone()
    return date.fromisoformat(row[0]) if row and row[0] else None


def mark_report_sent(
    db: Database,
    *,
    client_id: int,
    month: Month | str,
    today: date,
    sent_on: str | date | None = None,
    undo: UndoStack | None = None,
) -> ReportSaved:
    """Mark a month's report sent (date defaults to today); its highlights are kept."""
    m = _month(month)

    def read_day() -> date:
        if sent_on is None or (isinstance(sent_on, str) and not sent_on.strip()):
            day = today
        else:
            day = _not_future(v.a_date(sent_on, "sent date"), today, "sent date")
        if day < m.first_day:
            raise v.InvalidValue(f"a report for {m} cannot be sent before the month starts")
        return day

    day = _field("sent_on", read_day)
    with db.write() as conn:
        name = _client_name(conn, client_id)
        rec = Recorder(conn)
        rec.touch("report", (client_id, str(m)))
        conn.execute(
            "INSERT INTO report (client_id, month, sent_on, highlights) VALUES (?, ?, ?, '') "
            "ON CONFLICT (client_id, month) DO UPDATE SET sent_on = excluded.sent_on",
            (client_id, str(m), day.isoformat()),
        )
        change = rec.finish(f"{name}'s {m.short_label()} report marked sent")
    return ReportSaved(client_id, m, day, record(undo, change))


def unmark_report(
    db: Database, *, client_id: int, month: Month | str, undo: UndoStack | None = None
) -> ReportSaved:
    """The report was not sent after all (its highlights, if any, are kept)."""
    m = _month(month)
    with db.write() as conn:
        name = _client_name(conn, client_id)
        rec = Recorder(conn)
        rec.touch("report", (client_id, str(m)))
        conn.execute(
            "UPDATE report SET sent_on = NULL WHERE client_id = ? AND month = ?",
            (client_id, str(m)),
        )
        conn.execute(
            "DELETE FROM report WHERE client_id = ? AND month = ? AND highlights = ''",
            (client_id, str(m)),
        )
        change = rec.finish(f"unmarking {name}'s {m.short_label()} report")
    return ReportSaved(client_id, m, None, record(undo, change))


# --- metrics -----------------------------------------------------------------------------


def add_metric(
    db: Database, *, key: str, label: str, unit: str = "", undo: UndoStack | None = None
) -> MetricAdded:
    """Add a user-defined metric (key, label, unit) at the end of the catalogue."""
    errors: dict[str, str] = {}
    clean: dict[str, str] = {}
    for field, read in (
        ("key", lambda: v.metric_key(key.strip().lower() if isinstance(key, str) else key)),
        ("label", lambda: v.name(label, "label")),
        ("unit", lambda: v.optional_line(unit, "unit")),
    ):
        try:
            clean[field] = read()
        except v.InvalidValue as exc:
            errors[field] = str(exc)
    with db.write() as conn:
        if (
            "key" in clean
            and conn.execute("SELECT 1 FROM metric WHERE key = ?", (clean["key"],)).fetchone()
        ):
            errors["key"] = f"there is already a metric with key {clean['key']!r}"
        if "label" in clean:
            wanted = clean["label"].casefold()
            if any(
                str(lbl).casefold() == wanted for (lbl,) in conn.execute("SELECT label FROM metric")
            ):
                errors["label"] = f"there is already a metric called {clean['label']!r}"
        if errors:
            raise FormInvalid(errors)
        rec = Recorder(conn)
        position = conn.execute("SELECT coalesce(max(position), -1) + 1 FROM metric").fetchone()[0]
        conn.execute(
            "INSERT INTO metric (key, label, unit, builtin, position) VALUES (?, ?, ?, 0, ?)",
            (clean["key"], clean["label"], clean["unit"], position),
        )
        rec.mark_new("metric", (clean["key"],))
        change = rec.finish(f"new metric {clean['label']}")
    return MetricAdded(clean["key"], clean["label"], clean["unit"], record(undo, change))
