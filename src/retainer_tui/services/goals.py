"""Goals: targets set from a month on (carried forward), a tier's defaults applied, the
history of a client's targets and the targets in force in a month.

Like every entry module it imports SQLAlchemy inside its functions (services.entries).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from retainer_tui.db.engine import Database
from retainer_tui.domain import validation as v
from retainer_tui.domain.month import Month
from retainer_tui.services.edit_guard import (
    EditVersion,
    Watch,
    check_unchanged,
    opened,
    watch,
)
from retainer_tui.services.entry_common import block_session as _session
from retainer_tui.services.entry_common import client_name as _client_name
from retainer_tui.services.entry_common import metric_label as _metric_label
from retainer_tui.services.entry_common import read_field as _field
from retainer_tui.services.entry_common import read_month as _month
from retainer_tui.services.errors import FormInvalid, NotFound, ServiceError
from retainer_tui.services.undo import Change, Recorder, UndoStack, record

if TYPE_CHECKING:
    from sqlmodel import Session


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
    with db.writing() as conn:
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
    targets: Mapping[str, str | int],
    undo: UndoStack | None = None,
    expected: EditVersion | None = None,
) -> GoalsSet:
    """Set several targets from one month on, all or nothing, as one change to undo.

    `targets` maps metric keys to typed targets; a blank entry leaves that metric alone,
    0 stops tracking it. Refused values raise FormInvalid with fields "target:<metric>".
    `expected` is the client's targets as the form opened them (goals_version): changed
    since, EditConflict and nothing written.
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
    with db.writing() as conn:
        session = _session(conn)
        name = _client_name(session, client_id)
        check_unchanged(conn, expected)
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
    with db.writing() as conn:
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
    with db.writing() as conn:
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
    with db.reading() as session:
        return read_history(session, client_id, metric)


def read_history(
    session: Session, client_id: int, metric: str | None = None
) -> tuple[GoalStep, ...]:
    """goal_history() inside the caller's unit of work."""
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
    with db.reading() as session:
        return read_targets(session, client_id, _month(month))


def read_targets(session: Session, client_id: int, month: Month) -> dict[str, TargetInForce]:
    """targets_in_force() inside the caller's unit of work."""
    rows = _in_force(session, client_id, month)
    return {key: TargetInForce(key, target, Month.stored(set_in)) for key, target, set_in in rows}


def read_tier_defaults(session: Session, client_id: int) -> TierDefaults | None:
    """tier_defaults() inside the caller's unit of work."""
    return _tier_defaults(session, client_id)


def goals_watch(client_id: int) -> Watch:
    """The rows the goals form edits: every target of the client."""
    return watch("goal", client_id=client_id)


def goals_version(db: Database, *, client_id: int) -> EditVersion:
    """Every target of the client as the goals form opens, for set_goals(expected=)."""
    return opened(db, goals_watch(client_id))
