"""Monthly entries: goals (carried forward), results, hours, payments, report marks, metrics.

Each write is one short transaction (a grid cell costs about a millisecond), returns a
frozen dataclass with the Change it made, and pushes that Change onto the undo stack when
one is given. Typed values are read with domain.validation; refused values raise
FormInvalid naming the field, and nothing is written.

Statements are built from the tables in db/models.py. SQLAlchemy is imported inside the
functions: the app's start-up path imports this module and must not wait for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from retainer_tui.db.engine import Database
from retainer_tui.domain import validation as v
from retainer_tui.domain.money import format_money
from retainer_tui.domain.month import Month
from retainer_tui.services.errors import FormInvalid, NotFound, ServiceError
from retainer_tui.services.undo import Change, Recorder, UndoStack, record

if TYPE_CHECKING:
    import sqlite3

    from sqlmodel import Session

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


def _session(conn: sqlite3.Connection) -> Session:
    """The Session of a db.read()/db.write() block (Recorder still takes its connection)."""
    from retainer_tui.db.statements import session_of

    return session_of(conn)


def _client_name(session: Session, client_id: int) -> str:
    from sqlalchemy import select
    from sqlmodel import col

    from retainer_tui.db.models import Client

    name = session.execute(select(col(Client.name)).where(col(Client.id) == client_id)).scalar()
    if name is None:
        raise NotFound("That client no longer exists")
    return str(name)


def _metric_label(session: Session, key: str) -> str:
    from sqlalchemy import select
    from sqlmodel import col

    from retainer_tui.db.models import Metric

    label = session.execute(select(col(Metric.label)).where(col(Metric.key) == key)).scalar()
    if label is None:
        raise FormInvalid({"metric": f"there is no metric {key!r}"})
    return str(label)


# --- goals -------------------------------------------------------------------------------


def _write_goals(
    session: Session, rec: Recorder, client_id: int, month: Month, targets: dict[str, int]
) -> None:
    """Set each target from the month on, remembering the rows replaced for undo."""
    from retainer_tui.db.models import Goal
    from retainer_tui.db.statements import upsert

    rows = []
    for key, value in targets.items():
        rec.touch("goal", (client_id, key, str(month)))
        rows.append(
            {"client_id": client_id, "metric_key": key, "month": str(month), "target": value}
        )
    if rows:
        keys = ["client_id", "metric_key", "month"]
        session.execute(upsert(session, Goal, keys=keys, update=["target"]), rows)


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
        session = _session(conn)
        name = _client_name(session, client_id)
        label = _metric_label(session, metric)
        rec = Recorder(conn)
        _write_goals(session, rec, client_id, m, {metric: value})
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
    from sqlalchemy import select
    from sqlmodel import col

    from retainer_tui.db.models import Metric

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
        session = _session(conn)
        name = _client_name(session, client_id)
        known = set(session.execute(select(col(Metric.key))).scalars())
        unknown = [k for k in clean if k not in known]
        if unknown:
            raise FormInvalid({f"target:{k}": f"there is no metric {k!r}" for k in unknown})
        rec = Recorder(conn)
        _write_goals(session, rec, client_id, m, clean)
        change = rec.finish(f"{name}'s targets from {m}")
    return GoalsSet(client_id, m, clean, record(undo, change))


def _tier_defaults(session: Session, client_id: int) -> TierDefaults | None:
    from sqlalchemy import select
    from sqlmodel import col

    from retainer_tui.db.models import Client, Metric, Tier, TierGoal

    row = session.execute(
        select(col(Tier.id), col(Tier.name))
        .select_from(Client)
        .outerjoin(Tier, col(Tier.id) == col(Client.tier_id))
        .where(col(Client.id) == client_id)
    ).first()
    if row is None:
        raise NotFound("That client no longer exists")
    tier_id, tier = row
    if tier_id is None:
        return None
    targets = session.execute(
        select(col(TierGoal.metric_key), col(TierGoal.target))
        .join(Metric, col(Metric.key) == col(TierGoal.metric_key))
        .where(col(TierGoal.tier_id) == tier_id)
        .order_by(col(Metric.position), col(Metric.key))
    ).all()
    return TierDefaults(int(tier_id), str(tier), {key: target for key, target in targets})


def tier_defaults(db: Database, *, client_id: int) -> TierDefaults | None:
    """The client's tier and its default goals; None when the client has no tier."""
    with db.reading() as session:
        return _tier_defaults(session, client_id)


def _in_force(session: Session, client_id: int, month: Month) -> list[tuple[str, int, str]]:
    """(metric, target, month set) of the latest target set in the month or before, per
    metric: the goal row whose month is its metric's latest up to then (one index seek)."""
    from sqlalchemy import select
    from sqlmodel import col

    from retainer_tui.db.models import Goal
    from retainer_tui.services.carry_forward import goal_in_force

    rows = session.execute(
        select(col(Goal.metric_key), col(Goal.target), col(Goal.month)).where(
            col(Goal.client_id) == client_id, goal_in_force(month)
        )
    ).all()
    return [(key, target, set_in) for key, target, set_in in rows]


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
        session = _session(conn)
        name = _client_name(session, client_id)
        defaults = _tier_defaults(session, client_id)
        if defaults is None:
            raise ServiceError(f"{name} has no tier, so there are no tier defaults to apply")
        if not defaults.targets:
            raise ServiceError(
                f"{defaults.tier} has no default goals; set them in the tier's form (T, e)"
            )
        in_force = {key: target for key, target, _ in _in_force(session, client_id, m)}
        targets = {k: t for k, t in defaults.targets.items() if in_force.get(k) != t}
        rec = Recorder(conn)
        _write_goals(session, rec, client_id, m, targets)
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
    from sqlalchemy import delete
    from sqlmodel import col

    from retainer_tui.db.models import Goal

    m = _month(month)
    with db.write() as conn:
        session = _session(conn)
        name = _client_name(session, client_id)
        label = _metric_label(session, metric)
        rec = Recorder(conn)
        rec.touch("goal", (client_id, metric, str(m)))
        session.execute(
            delete(Goal).where(
                col(Goal.client_id) == client_id,
                col(Goal.metric_key) == metric,
                col(Goal.month) == str(m),
            )
        )
        change = rec.finish(f"removing the {label} target for {name} from {m}")
    return GoalSet(client_id, metric, m, None, record(undo, change))


def goal_history(
    db: Database, *, client_id: int, metric: str | None = None
) -> tuple[GoalStep, ...]:
    """Every target change, per metric in catalogue order, oldest month first."""
    from sqlalchemy import select
    from sqlmodel import col

    from retainer_tui.db.models import Goal, Metric

    stmt = (
        select(col(Goal.metric_key), col(Goal.month), col(Goal.target))
        .join(Metric, col(Metric.key) == col(Goal.metric_key))
        .where(col(Goal.client_id) == client_id)
    )
    if metric is not None:
        stmt = stmt.where(col(Goal.metric_key) == metric)
    stmt = stmt.order_by(col(Metric.position), col(Metric.key), col(Goal.month))
    with db.reading() as session:
        rows = session.execute(stmt).all()
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
    with db.reading() as session:
        rows = _in_force(session, client_id, m)
    return {key: TargetInForce(key, target, Month.stored(set_in)) for key, target, set_in in rows}


# --- results and hours -------------------------------------------------------------------


def _names(session: Session, client_id: int, metric: str) -> tuple[str, str]:
    """The client's name and the metric's label (NotFound / FormInvalid when missing), in
    one statement: a grid save runs this on every cell."""
    from sqlalchemy import select
    from sqlmodel import col

    from retainer_tui.db.models import Client, Metric

    name, label = session.execute(
        select(
            select(col(Client.name)).where(col(Client.id) == client_id).scalar_subquery(),
            select(col(Metric.label)).where(col(Metric.key) == metric).scalar_subquery(),
        )
    ).one()
    if name is None:
        raise NotFound("That client no longer exists")
    if label is None:
        raise FormInvalid({"metric": f"there is no metric {metric!r}"})
    return str(name), str(label)


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
    from retainer_tui.db.models import Result
    from retainer_tui.db.statements import upsert

    m = _month(month)
    value = _field("actual", lambda: v.count(actual, "result"))
    with db.write() as conn:
        session = _session(conn)
        name, label = _names(session, client_id, metric)
        rec = Recorder(conn)
        rec.touch("result", (client_id, metric, str(m)))
        session.execute(
            upsert(session, Result, keys=["client_id", "metric_key", "month"], update=["actual"]),
            {"client_id": client_id, "metric_key": metric, "month": str(m), "actual": value},
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
    from sqlalchemy import delete
    from sqlmodel import col

    from retainer_tui.db.models import Result

    m = _month(month)
    with db.write() as conn:
        session = _session(conn)
        name, label = _names(session, client_id, metric)
        rec = Recorder(conn)
        rec.touch("result", (client_id, metric, str(m)))
        session.execute(
            delete(Result).where(
                col(Result.client_id) == client_id,
                col(Result.metric_key) == metric,
                col(Result.month) == str(m),
            )
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
    from retainer_tui.db.models import Hours
    from retainer_tui.db.statements import upsert

    m = _month(month)
    value = _field("hours", lambda: v.hours_x100(hours, "hours"))
    with db.write() as conn:
        session = _session(conn)
        name = _client_name(session, client_id)
        rec = Recorder(conn)
        rec.touch("hours", (client_id, str(m)))
        session.execute(
            upsert(session, Hours, keys=["client_id", "month"], update=["hours_x100"]),
            {"client_id": client_id, "month": str(m), "hours_x100": value},
        )
        change = rec.finish(f"{name}: {format_hours(value)} h in {m.short_label()}")
    return HoursSaved(client_id, m, value, record(undo, change))


def clear_hours(
    db: Database, *, client_id: int, month: Month | str, undo: UndoStack | None = None
) -> HoursSaved:
    """Remove the hours recorded for a month."""
    from sqlalchemy import delete
    from sqlmodel import col

    from retainer_tui.db.models import Hours

    m = _month(month)
    with db.write() as conn:
        session = _session(conn)
        name = _client_name(session, client_id)
        rec = Recorder(conn)
        rec.touch("hours", (client_id, str(m)))
        session.execute(
            delete(Hours).where(col(Hours.client_id) == client_id, col(Hours.month) == str(m))
        )
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


def _add_instalment(session: Session, client_id: int, month: Month, cents: int, day: date) -> None:
    """Add cents to the month's payment, whose date is the latest one received: one
    statement, so two people adding instalments at once (PostgreSQL) both count."""
    from sqlalchemy import case
    from sqlmodel import col

    from retainer_tui.db.models import Payment
    from retainer_tui.db.statements import upsert

    received = col(Payment.received_on)

    def combine(new: Any) -> dict[str, Any]:
        return {
            "amount_cents": col(Payment.amount_cents) + new.amount_cents,
            "received_on": case((received < new.received_on, new.received_on), else_=received),
        }

    session.execute(
        upsert(session, Payment, keys=["client_id", "month"], update=[], combine=combine),
        [{"client_id": client_id, "month": str(month), "amount_cents": cents, "received_on": day}],
    )


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
    from sqlalchemy import func, select
    from sqlmodel import col

    from retainer_tui.db.models import Client, Payment, Tier

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
    this_month = (col(Payment.client_id) == client_id, col(Payment.month) == str(m))
    with db.write() as conn:
        session = _session(conn)
        row = session.execute(
            select(
                col(Client.name),
                func.coalesce(col(Client.fee_override_cents), col(Tier.monthly_fee_cents), 0),
            )
            .select_from(Client)
            .outerjoin(Tier, col(Tier.id) == col(Client.tier_id))
            .where(col(Client.id) == client_id)
        ).first()
        if row is None:
            raise NotFound("That client no longer exists")
        name, fee = row
        before = session.execute(select(col(Payment.amount_cents)).where(*this_month)).scalar()
        so_far = int(before) if before is not None else 0
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
        _add_instalment(session, client_id, m, cents, day)
        total, latest = session.execute(
            select(col(Payment.amount_cents), col(Payment.received_on)).where(*this_month)
        ).one()
        change = rec.finish(f"{name}'s {m.short_label()} payment ({format_money(cents)})")
    return PaymentSaved(client_id, m, int(total), latest, record(undo, change), cents)


def unmark_payment(
    db: Database, *, client_id: int, month: Month | str, undo: UndoStack | None = None
) -> PaymentSaved:
    """The month's retainer was not received after all."""
    from sqlalchemy import delete
    from sqlmodel import col

    from retainer_tui.db.models import Payment

    m = _month(month)
    with db.write() as conn:
        session = _session(conn)
        name = _client_name(session, client_id)
        rec = Recorder(conn)
        rec.touch("payment", (client_id, str(m)))
        session.execute(
            delete(Payment).where(col(Payment.client_id) == client_id, col(Payment.month) == str(m))
        )
        change = rec.finish(f"unmarking {name}'s {m.short_label()} payment")
    return PaymentSaved(client_id, m, None, None, record(undo, change))


def payment_for(db: Database, *, client_id: int, month: Month | str) -> tuple[int, date] | None:
    """(amount in cents, received date) when the month's retainer was received."""
    from sqlalchemy import select
    from sqlmodel import col

    from retainer_tui.db.models import Payment

    m = _month(month)
    with db.reading() as session:
        row = session.execute(
            select(col(Payment.amount_cents), col(Payment.received_on)).where(
                col(Payment.client_id) == client_id, col(Payment.month) == str(m)
            )
        ).first()
    return (int(row[0]), row[1]) if row else None


def report_sent_on(db: Database, *, client_id: int, month: Month | str) -> date | None:
    from sqlalchemy import select
    from sqlmodel import col

    from retainer_tui.db.models import Report

    m = _month(month)
    with db.reading() as session:
        sent: date | None = session.execute(
            select(col(Report.sent_on)).where(
                col(Report.client_id) == client_id, col(Report.month) == str(m)
            )
        ).scalar()
    return sent


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
    from retainer_tui.db.models import Report
    from retainer_tui.db.statements import upsert

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
        session = _session(conn)
        name = _client_name(session, client_id)
        rec = Recorder(conn)
        rec.touch("report", (client_id, str(m)))
        session.execute(
            upsert(session, Report, keys=["client_id", "month"], update=["sent_on"]),
            {"client_id": client_id, "month": str(m), "sent_on": day, "highlights": ""},
        )
        change = rec.finish(f"{name}'s {m.short_label()} report marked sent")
    return ReportSaved(client_id, m, day, record(undo, change))


def unmark_report(
    db: Database, *, client_id: int, month: Month | str, undo: UndoStack | None = None
) -> ReportSaved:
    """The report was not sent after all (its highlights, if any, are kept)."""
    from sqlalchemy import delete, update
    from sqlmodel import col

    from retainer_tui.db.models import Report

    m = _month(month)
    this_month = (col(Report.client_id) == client_id, col(Report.month) == str(m))
    with db.write() as conn:
        session = _session(conn)
        name = _client_name(session, client_id)
        rec = Recorder(conn)
        rec.touch("report", (client_id, str(m)))
        session.execute(update(Report).where(*this_month).values(sent_on=None))
        session.execute(delete(Report).where(*this_month, col(Report.highlights) == ""))
        change = rec.finish(f"unmarking {name}'s {m.short_label()} report")
    return ReportSaved(client_id, m, None, record(undo, change))


# --- metrics -----------------------------------------------------------------------------


def add_metric(
    db: Database, *, key: str, label: str, unit: str = "", undo: UndoStack | None = None
) -> MetricAdded:
    """Add a user-defined metric (key, label, unit) at the end of the catalogue."""
    from sqlalchemy import func, insert, select
    from sqlmodel import col

    from retainer_tui.db.models import Metric

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
        session = _session(conn)
        if (
            "key" in clean
            and session.execute(
                select(col(Metric.key)).where(col(Metric.key) == clean["key"])
            ).first()
        ):
            errors["key"] = f"there is already a metric with key {clean['key']!r}"
        if "label" in clean:
            # Labels differ in more than case (casefold, wider than SQL's ASCII NOCASE).
            wanted = clean["label"].casefold()
            labels = session.execute(select(col(Metric.label))).scalars()
            if any(str(lbl).casefold() == wanted for lbl in labels):
                errors["label"] = f"there is already a metric called {clean['label']!r}"
        if errors:
            raise FormInvalid(errors)
        rec = Recorder(conn)
        position = session.execute(
            select(func.coalesce(func.max(col(Metric.position)), -1) + 1)
        ).scalar_one()
        session.execute(
            insert(Metric).values(
                key=clean["key"],
                label=clean["label"],
                unit=clean["unit"],
                builtin=False,
                position=position,
            )
        )
        rec.mark_new("metric", (clean["key"],))
        change = rec.finish(f"new metric {clean['label']}")
    return MetricAdded(clean["key"], clean["label"], clean["unit"], record(undo, change))
