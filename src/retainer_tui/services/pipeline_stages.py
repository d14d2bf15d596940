"""Moving a prospect through the stages, each move one transaction recorded for undo: one
stage on or back, into the paid trial, retained as an active client, or lost.

SQLAlchemy and the table classes are imported inside the functions: the app's screens
import this module before their first frame, which must not wait for SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from retainer_tui.db.engine import Database
from retainer_tui.domain import validation as v
from retainer_tui.domain.clients import ClientStatus
from retainer_tui.domain.month import Month
from retainer_tui.domain.pipeline import (
    Stage,
    StageError,
    default_start_month,
    next_stage,
    previous_stage,
    success_criteria,
)
from retainer_tui.services.catalog import read_tiers
from retainer_tui.services.entry_common import check_field as _check
from retainer_tui.services.entry_common import read_field
from retainer_tui.services.errors import FormInvalid
from retainer_tui.services.pipeline_models import (
    PipelineChange,
    PipelineError,
    Prospect,
    TierNeeded,
    TrialDetailsNeeded,
    default_recommendation,
)
from retainer_tui.services.pipeline_read import (
    _currency,
    _read_prospect,
    _session_of,
)
from retainer_tui.services.pipeline_write import (
    _insert_goals,
    _set_client,
    _set_prospect,
    _stage_values,
    _tier_exists,
)
from retainer_tui.services.undo import Recorder, UndoStack, record

if TYPE_CHECKING:
    from sqlmodel import Session

MAX_TRIAL_DAYS = 366


def move_prospect(
    db: Database, *, client_id: int, step: int, today: date, undo: UndoStack | None = None
) -> PipelineChange:
    """Move a prospect one stage on (step 1) or back (step -1), with the new stage's next
    action. Moving on fills what the stage needs from what is known (the recommended tier,
    the chosen one); the paid trial needs its details first (TrialDetailsNeeded), and a
    retained prospect becomes an active client from the default start month."""
    if step not in (1, -1):
        raise ValueError("step is 1 or -1")
    with db.writing() as conn:
        session = _session_of(conn)
        p = _read_prospect(session, client_id)
        try:
            target = (
                next_stage(p.stage) if step == 1 else previous_stage(p.stage, lost_from=p.lost_from)
            )
        except StageError as exc:
            raise PipelineError(f"{p.name}: {exc}") from None
        rec = Recorder(conn)
        if step == 1:
            message = _move_on(session, rec, p, target, today)
        else:
            message = _move_back(session, rec, p, target, today)
        change = rec.finish(f"moving {p.name} to {target.label.lower()}")
    return PipelineChange(client_id, p.name, target, message, record(undo, change))


def _move_on(session: Session, rec: Recorder, p: Prospect, target: Stage, today: date) -> str:
    tiers = read_tiers(session, offered=True)
    if target is Stage.PROPOSAL_SENT:
        recommended = default_recommendation(p, tiers)
        if recommended is None:
            raise TierNeeded("Add a tier first: a proposal offers tiers (T on the dashboard)")
        _set_prospect(
            session,
            rec,
            p.id,
            {
                "recommended_tier_id": recommended,
                "proposal_sent_on": p.proposal_sent_on or today,
            },
        )
    elif target is Stage.TIER_CHOSEN:
        chosen = p.chosen_tier_id if _tier_exists(session, p.chosen_tier_id) else None
        chosen = chosen or default_recommendation(p, tiers)
        if chosen is None:
            raise TierNeeded("Add a tier first: the client chooses one of your tiers")
        _set_prospect(session, rec, p.id, {"chosen_tier_id": chosen})
    elif target is Stage.PAID_TRIAL:
        if not p.has_trial or p.trial_end is None:
            raise TrialDetailsNeeded(f"{p.name}: set the paid trial's fee and dates first (t)")
        return _begin_trial(session, rec, p, today)
    elif target is Stage.RETAINED:
        tier_id = next(
            (t for t in (p.chosen_tier_id, p.recommended_tier_id, p.client_tier_id)
             if _tier_exists(session, t)),
            None,
        )  # fmt: skip
        if tier_id is None:
            raise TierNeeded(f"{p.name}: choose a tier first (r to retain on a tier)")
        start = default_start_month(today, p.trial_end if p.has_trial else None)
        return _retain(session, rec, p, tier_id, start, today)
    _set_client(session, rec, p.id, _stage_values(target, today))
    return f"{p.name}: {target.label.lower()}"


def _move_back(session: Session, rec: Recorder, p: Prospect, target: Stage, today: date) -> str:
    values = _stage_values(target, today, trial_end=p.trial_end)
    if p.stage is Stage.LOST:
        _set_prospect(
            session,
            rec,
            p.id,
            {
                "lost_reason": "",
                "lost_from": "",
                "lost_on": None,
                "trial_outcome": None if p.trial_outcome == "lost" else p.trial_outcome,
            },
        )
        values["status"] = (
            ClientStatus.TRIAL.value if target is Stage.PAID_TRIAL else ClientStatus.PROSPECT.value
        )
        _set_client(session, rec, p.id, values)
        return f"{p.name} reopened: {target.label.lower()}"
    if p.stage is Stage.RETAINED:
        _set_prospect(
            session,
            rec,
            p.id,
            {
                "retained_on": None,
                "trial_outcome": None if p.trial_outcome == "retained" else p.trial_outcome,
            },
        )
        if p.has_trial and p.trial_start is not None:
            target = Stage.PAID_TRIAL
            values = _stage_values(target, today, trial_end=p.trial_end)
            values["status"] = ClientStatus.TRIAL.value
            values["start_month"] = Month.of(p.trial_start)
        else:
            target = Stage.CONTRACT_SENT
            values = _stage_values(target, today)
            values["status"] = ClientStatus.PROSPECT.value
            values["start_month"] = None
        _set_client(session, rec, p.id, values)
        return f"{p.name} is no longer retained: back to {target.label.lower()}"
    if p.stage is Stage.PAID_TRIAL:
        values["status"] = ClientStatus.PROSPECT.value
        values["start_month"] = None
        _set_client(session, rec, p.id, values)
        return f"{p.name}: trial undone, back to {target.label.lower()}"
    _set_client(session, rec, p.id, values)
    return f"{p.name}: back to {target.label.lower()}"


# ---------------------------------------------------------------- paid trial


@dataclass(frozen=True, slots=True)
class TrialDraft:
    """A paid trial as typed: one-off fee, first and last day, success criteria."""

    fee: str = ""
    start: str = ""
    end: str = ""
    criteria: str = ""


def trial_draft(p: Prospect, today: date, labels: Mapping[str, str] | None = None) -> TrialDraft:
    """The trial form's values: the stored trial, else a month from today with success
    criteria taken from the prospect's goals."""
    from retainer_tui.domain.money import decimal_string

    if p.trial_start is not None:
        return TrialDraft(
            fee="" if p.trial_fee_cents is None else decimal_string(p.trial_fee_cents),
            start=p.trial_start.isoformat(),
            end=p.trial_end.isoformat() if p.trial_end else "",
            criteria=p.trial_criteria,
        )
    labels = labels or {}
    criteria = success_criteria(((labels.get(k, k), t) for k, t in p.targets), p.goals)
    return TrialDraft(
        fee="",
        start=today.isoformat(),
        end=(today + timedelta(days=29)).isoformat(),
        criteria=criteria,
    )


def _clean_trial(draft: TrialDraft) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    if not str(draft.fee).strip():
        errors["fee"] = "a trial is paid, never free: enter its fee"
    else:
        values["trial_fee_cents"] = _check(errors, "fee", lambda: v.money(draft.fee, "trial fee"))
        if "fee" not in errors and not values["trial_fee_cents"]:
            errors["fee"] = "a trial is paid, never free: the fee must be above zero"
    values["trial_start"] = _check(errors, "start", lambda: v.a_date(draft.start, "first day"))
    values["trial_end"] = _check(errors, "end", lambda: v.a_date(draft.end, "last day"))
    start, end = values["trial_start"], values["trial_end"]
    if isinstance(start, date) and isinstance(end, date):
        if end < start:
            errors["end"] = "the last day cannot be before the first"
        elif (end - start).days >= MAX_TRIAL_DAYS:
            errors["end"] = "a trial lasts at most a year"
    values["trial_criteria"] = _check(
        errors, "criteria", lambda: v.long_text(draft.criteria, "success criteria")
    )
    return values, errors


def save_trial(
    db: Database,
    *,
    client_id: int,
    draft: TrialDraft,
    today: date,
    undo: UndoStack | None = None,
) -> PipelineChange:
    """Store the paid trial and start it: the prospect becomes a trial client from the
    trial's month, its goals become targets, the next action is the trial's end."""
    values, errors = _clean_trial(draft)
    if errors:
        raise FormInvalid(errors)
    with db.writing() as conn:
        session = _session_of(conn)
        p = _read_prospect(session, client_id)
        if p.stage is Stage.RETAINED:
            raise PipelineError(f"{p.name} is already retained: an active client")
        rec = Recorder(conn)
        _set_prospect(session, rec, p.id, values)
        p = _read_prospect(session, client_id)
        message = _begin_trial(session, rec, p, today)
        change = rec.finish(f"the paid trial of {p.name}")
    return PipelineChange(client_id, p.name, Stage.PAID_TRIAL, message, record(undo, change))


def _begin_trial(session: Session, rec: Recorder, p: Prospect, today: date) -> str:
    assert p.trial_start is not None and p.trial_end is not None
    if p.stage is Stage.LOST:
        _set_prospect(session, rec, p.id, {"lost_reason": "", "lost_from": "", "lost_on": None})
    if p.trial_outcome == "lost":
        _set_prospect(session, rec, p.id, {"trial_outcome": None})
    start = Month.of(p.trial_start)
    values = _stage_values(Stage.PAID_TRIAL, today, trial_end=p.trial_end)
    values["status"] = ClientStatus.TRIAL.value
    values["start_month"] = start
    values["end_month"] = None
    _set_client(session, rec, p.id, values)
    added = _insert_goals(session, rec, p, start)
    goals = f", {len(added)} goals tracked" if added else ""
    return f"{p.name}: paid trial until {p.trial_end.isoformat()}{goals}"


# ---------------------------------------------------------------- outcome


def retain(
    db: Database,
    *,
    client_id: int,
    tier_id: int,
    start_month: Month | str,
    today: date,
    undo: UndoStack | None = None,
) -> PipelineChange:
    """Turn the prospect into an active client on the tier from the start month, its goals
    carried over; the guaranteed monthly income includes it at once."""
    start = read_field("start_month", lambda: v.month(start_month, "start month"))
    with db.writing() as conn:
        session = _session_of(conn)
        p = _read_prospect(session, client_id)
        if not _tier_exists(session, tier_id):
            raise FormInvalid({"tier": "choose one of your tiers"})
        if p.stage is Stage.RETAINED and p.status is ClientStatus.ACTIVE:
            raise PipelineError(f"{p.name} is already retained: an active client")
        rec = Recorder(conn)
        message = _retain(session, rec, p, tier_id, start, today)
        change = rec.finish(f"retaining {p.name}")
    return PipelineChange(client_id, p.name, Stage.RETAINED, message, record(undo, change))


def _retain(
    session: Session, rec: Recorder, p: Prospect, tier_id: int, start: Month, today: date
) -> str:
    from sqlalchemy import func
    from sqlmodel import col, select

    from retainer_tui.db.models import Client, Tier

    from_trial = p.stage is Stage.PAID_TRIAL
    _set_prospect(
        session,
        rec,
        p.id,
        {
            "chosen_tier_id": tier_id,
            "retained_on": today,
            "trial_outcome": "retained" if from_trial else p.trial_outcome,
            "lost_reason": "",
            "lost_from": "",
            "lost_on": None,
        },
    )
    _set_client(
        session,
        rec,
        p.id,
        {
            "status": ClientStatus.ACTIVE.value,
            "tier_id": tier_id,
            "start_month": start,
            "end_month": None,
            "stage": Stage.RETAINED.value,
            "next_action": "",
            "next_action_on": None,
        },
    )
    _insert_goals(session, rec, p, start)
    tier, fee = session.execute(
        select(Tier.name, func.coalesce(Client.fee_override_cents, Tier.monthly_fee_cents))
        .select_from(Client)
        .join(Tier, col(Tier.id) == Client.tier_id)
        .where(Client.id == p.id)
    ).one()
    from retainer_tui.domain.money import format_money

    return (
        f"{p.name} retained on {tier} from {start}: "
        f"{format_money(fee, _currency(session), cents_shown=fee % 100 != 0)} a month"
    )


def mark_lost(
    db: Database, *, client_id: int, reason: str, today: date, undo: UndoStack | None = None
) -> PipelineChange:
    """Mark a prospect (or a trial) lost, with the reason; moving it back reopens it."""
    clean = read_field("reason", lambda: v.name(reason, "reason"))
    with db.writing() as conn:
        session = _session_of(conn)
        p = _read_prospect(session, client_id)
        if p.stage is Stage.RETAINED:
            raise PipelineError(
                f"{p.name} is an active client: end the retainer in the client form instead"
            )
        if p.stage is Stage.LOST:
            raise PipelineError(f"{p.name} is already lost (move it back to reopen it)")
        rec = Recorder(conn)
        _set_prospect(
            session,
            rec,
            p.id,
            {
                "lost_reason": clean,
                "lost_from": p.stage.value,
                "lost_on": today,
                "trial_outcome": "lost" if p.stage is Stage.PAID_TRIAL else p.trial_outcome,
            },
        )
        # A lost prospect is not a client: no reports or payments are owed for it.
        _set_client(
            session,
            rec,
            p.id,
            {
                "status": ClientStatus.PROSPECT.value,
                "stage": Stage.LOST.value,
                "next_action": "",
                "next_action_on": None,
            },
        )
        change = rec.finish(f"losing {p.name}")
    return PipelineChange(
        client_id, p.name, Stage.LOST, f"{p.name} marked lost: {clean}", record(undo, change)
    )
