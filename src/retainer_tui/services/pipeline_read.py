"""Reading the pipeline: every prospect by stage with the figures, one prospect, the tiers
and metrics it is offered, the guaranteed income it adds to; in a few SQL queries.

SQLAlchemy and the table classes are imported inside the functions: the app's screens
import this module before their first frame, which must not wait for SQLAlchemy.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

from retainer_tui.db.engine import Database
from retainer_tui.domain.clients import ClientStatus
from retainer_tui.domain.month import Month
from retainer_tui.domain.pipeline import (
    ALL_STAGES,
    ObjectionKind,
    Stage,
    StageError,
    action_sort_key,
    parse_stage,
    pipeline_figures,
    stored_stage,
    targets_in_order,
)
from retainer_tui.services.catalog import TierInfo, read_tiers
from retainer_tui.services.catalog import database_currency as _currency
from retainer_tui.services.client_read import contact_columns, contact_of
from retainer_tui.services.errors import NotFound
from retainer_tui.services.pipeline_models import (
    MetricRef,
    ObjectionInfo,
    PipelineView,
    Prospect,
)

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, Select
    from sqlmodel import Session

    from retainer_tui.db.statements import RawConnection


def stage_columns(row: Any) -> list[Any]:
    """The prospect row's proposal, trial and outcome columns, in the order both of its
    reads unpack them (the pipeline's and the data file's export)."""
    return [
        row.proposal_sent_on,
        row.proposal_subject,
        row.proposal_body,
        row.proposal_markdown,
        row.trial_fee_cents,
        row.trial_start,
        row.trial_end,
        row.trial_criteria,
        row.trial_outcome,
        row.retained_on,
        row.lost_reason,
        row.lost_from,
        row.lost_on,
    ]


@cache
def _prospect_select() -> Select:
    """The client, its prospect row and its three tiers (its own, recommended, chosen): the
    columns _prospect() reads, in its order. Built once: a statement is immutable, and
    building this one costs more than running it."""
    from sqlalchemy import func
    from sqlalchemy.orm import aliased
    from sqlmodel import col, select

    from retainer_tui.db.models import Client, Tier
    from retainer_tui.db.models import Prospect as Row

    ct, rt, xt = (aliased(Tier, name=n) for n in ("ct", "rt", "xt"))
    # A list typed Any: mypy sees each field's Python type, not its column.
    columns: list[Any] = [
        *contact_columns(),
        Client.status,
        Client.stage,
        Client.next_action,
        Client.next_action_on,
        Client.objections,
        Client.billing_day,
        Client.start_month,
        Client.tier_id,
        ct.name,
        func.coalesce(Client.fee_override_cents, ct.monthly_fee_cents),
        Row.workload,
        Row.goals,
        _json_text(Row.targets),
        _json_text(Row.extra_services),
        Row.recommended_tier_id,
        rt.name,
        rt.monthly_fee_cents,
        Row.chosen_tier_id,
        xt.name,
        xt.monthly_fee_cents,
        *stage_columns(Row),
    ]
    return (
        select(*columns)
        .select_from(Client)
        .outerjoin(Row, col(Row.client_id) == Client.id)
        .outerjoin(ct, col(ct.id) == Client.tier_id)
        .outerjoin(rt, col(rt.id) == Row.recommended_tier_id)
        .outerjoin(xt, col(xt.id) == Row.chosen_tier_id)
    )


@cache
def _in_pipeline() -> ColumnElement[bool]:
    """Every prospect and trial, and every client that went through the pipeline (needs
    the prospect table joined, as in _prospect_select())."""
    from sqlalchemy import or_
    from sqlmodel import col

    from retainer_tui.db.models import Client
    from retainer_tui.db.models import Prospect as Row

    return or_(col(Client.status).in_(("prospect", "trial")), col(Row.client_id).is_not(None))


def _json_text(column: Any) -> Any:
    """A JSON column read as its text, parsed by _json(): a value that is not JSON reads
    as empty rather than failing the whole read. (A driver that parses JSON itself, as
    psycopg does, hands _json() the value.)"""
    from retainer_tui.db.statements import as_text

    return as_text(column)


def _session_of(conn: Session | RawConnection) -> Session:
    from retainer_tui.db.statements import session_of

    return session_of(conn)


def _json(value: Any, default: Any) -> Any:
    if not isinstance(value, str):
        return default if value is None else value
    if not value:
        return default
    try:
        return json.loads(value)
    except ValueError:
        return default


def _targets(raw: Any) -> tuple[tuple[str, int], ...]:
    if not isinstance(raw, dict):
        return ()
    return tuple(
        (str(k), int(t))
        for k, t in raw.items()
        if isinstance(t, int) and not isinstance(t, bool) and t > 0
    )


def _prospect(row: Sequence[Any], objections: tuple[ObjectionInfo, ...] = ()) -> Prospect:
    contact, rest = contact_of(row)
    (status, stage_text, next_action, next_on, objection_notes, billing_day, start, tier_id,
     tier, fee, workload, goals, targets, extras, rec_id, rec, rec_fee, chosen_id, chosen,
     chosen_fee, sent_on, subject, body, markdown, trial_fee, trial_start, trial_end,
     criteria, outcome, retained_on, lost_reason, lost_from, lost_on) = rest  # fmt: skip
    lost_stage = None
    if lost_from:
        try:
            lost_stage = parse_stage(lost_from)
        except StageError:
            lost_stage = None
    extras_list = _json(extras, [])
    return Prospect(
        **contact,
        status=ClientStatus(status),
        stage=stored_stage(stage_text, status),
        next_action=next_action,
        next_action_on=next_on,
        objection_notes=objection_notes,
        billing_day=billing_day,
        start_month=Month.stored(start) if start else None,
        client_tier_id=tier_id,
        client_tier=tier,
        client_fee_cents=fee,
        workload=workload or "",
        goals=goals or "",
        targets=_targets(_json(targets, {})),
        extra_services=tuple(str(s) for s in extras_list) if isinstance(extras_list, list) else (),
        recommended_tier_id=rec_id,
        recommended_tier=rec,
        recommended_fee_cents=rec_fee,
        chosen_tier_id=chosen_id,
        chosen_tier=chosen,
        chosen_fee_cents=chosen_fee,
        proposal_sent_on=sent_on,
        proposal_subject=subject or "",
        proposal_body=body or "",
        proposal_markdown=bool(markdown),
        trial_fee_cents=trial_fee,
        trial_start=trial_start,
        trial_end=trial_end,
        trial_criteria=criteria or "",
        trial_outcome=outcome,
        retained_on=retained_on,
        lost_reason=lost_reason or "",
        lost_from=lost_stage,
        lost_on=lost_on,
        objections=objections,
    )


def _objections(session: Session, which: Any) -> dict[int, list[ObjectionInfo]]:
    """Objections by client, in order, of the clients `which` (a condition on
    Objection.client_id) selects."""
    from sqlmodel import col, select

    from retainer_tui.db.models import Objection

    found: dict[int, list[ObjectionInfo]] = {}
    rows = session.execute(
        select(Objection.client_id, Objection.kind, Objection.text, Objection.answer)
        .where(which)
        .order_by(col(Objection.client_id), col(Objection.position))
    )
    for cid, kind, text, answer in rows:
        try:
            k = ObjectionKind(kind)
        except ValueError:
            k = ObjectionKind.OTHER
        found.setdefault(cid, []).append(ObjectionInfo(k, text, answer))
    return found


def _metrics(session: Session) -> tuple[MetricRef, ...]:
    from sqlmodel import col, select

    from retainer_tui.db.models import Metric

    rows = session.execute(
        select(Metric.key, Metric.label).order_by(col(Metric.position), col(Metric.key))
    )
    return tuple(MetricRef(k, label) for k, label in rows)


def _metric_labels(session: Session) -> dict[str, str]:
    from sqlmodel import select

    from retainer_tui.db.models import Metric

    return {k: label for k, label in session.execute(select(Metric.key, Metric.label))}


def guaranteed_income(conn: Session | RawConnection, month: Month) -> int:
    """The month's guaranteed income (cents): the fees of the clients on retainer in it,
    by the rule the dashboard uses."""
    from sqlalchemy import func
    from sqlmodel import col, select

    from retainer_tui.db.models import Client, Tier
    from retainer_tui.domain.income import guaranteed_monthly_income

    def month_or_none(text: str | None) -> Month | None:
        return Month.stored(text) if text else None

    # Only active and ended clients can be on retainer (domain.clients.on_retainer decides).
    rows = _session_of(conn).execute(
        select(
            Client.status,
            Client.start_month,
            Client.end_month,
            func.coalesce(Client.fee_override_cents, Tier.monthly_fee_cents, 0),
        )
        .select_from(Client)
        .outerjoin(Tier, col(Tier.id) == Client.tier_id)
        .where(col(Client.status).in_(("active", "ended")))
    )
    return guaranteed_monthly_income(
        (
            (status, month_or_none(start), month_or_none(end), fee)
            for status, start, end, fee in rows
        ),
        month,
    )


def list_metrics(db: Database) -> tuple[MetricRef, ...]:
    """The metric catalogue (built-in and the user's own), in order."""
    with db.reading() as session:
        return _metrics(session)


def list_tiers(db: Database) -> tuple[TierInfo, ...]:
    """The tiers in the order they are offered."""
    with db.reading() as session:
        return read_tiers(session, offered=True)


def income_now(db: Database, *, today: date | None = None) -> tuple[int, str]:
    """This month's guaranteed income (cents) and the database's currency."""
    with db.reading() as session:
        return guaranteed_income(session, Month.of(today or date.today())), _currency(session)


def load_pipeline(db: Database, *, as_of: date) -> PipelineView:
    """Every prospect by stage (overdue next actions first), with the pipeline's figures."""
    with db.reading() as session:
        return load_pipeline_from(session, as_of=as_of)


def load_pipeline_from(conn: Session | RawConnection, *, as_of: date) -> PipelineView:
    """load_pipeline() inside the caller's unit of work."""
    from sqlmodel import col, select

    from retainer_tui.db.models import Client, Objection
    from retainer_tui.db.models import Prospect as Row

    session = _session_of(conn)
    rows = session.execute(_prospect_select().where(_in_pipeline())).all()
    in_pipeline = (
        select(Client.id).outerjoin(Row, col(Row.client_id) == Client.id).where(_in_pipeline())
    )
    objections = _objections(session, col(Objection.client_id).in_(in_pipeline))
    metrics = _metrics(session)
    order = [m.key for m in metrics]
    prospects = []
    for row in rows:
        item = _prospect(row, tuple(objections.get(row[0], ())))
        prospects.append(_ordered_targets(item, order))
    position = {s: i for i, s in enumerate(ALL_STAGES)}
    prospects.sort(
        key=lambda p: (
            position[p.stage],
            *_stage_sort(p, as_of),
        )
    )
    figures = pipeline_figures(
        (p.entry() for p in prospects),
        guaranteed_cents=guaranteed_income(session, Month.of(as_of)),
    )
    return PipelineView(
        as_of=as_of,
        currency=_currency(session),
        prospects=tuple(prospects),
        figures=figures,
        tiers=read_tiers(session, offered=True),
        metrics=metrics,
    )


def _stage_sort(p: Prospect, as_of: date) -> tuple:
    if p.stage is Stage.RETAINED:
        return (False, False, date.max - (p.retained_on or date.min), p.name.casefold())
    if p.stage is Stage.LOST:
        return (False, False, date.max - (p.lost_on or date.min), p.name.casefold())
    return action_sort_key(p.next_action_on, as_of, p.name)


def _ordered_targets(p: Prospect, order: Sequence[str]) -> Prospect:
    if len(p.targets) < 2:
        return p
    from dataclasses import replace

    return replace(p, targets=tuple(targets_in_order(dict(p.targets), order)))


def get_prospect(db: Database, *, client_id: int) -> Prospect:
    """One prospect (any client, read as a prospect); NotFound when it is gone."""
    with db.reading() as session:
        return _read_prospect(session, client_id)


def _read_prospect(session: Session, client_id: int) -> Prospect:
    from sqlmodel import col

    from retainer_tui.db.models import Client, Objection

    row = session.execute(_prospect_select().where(col(Client.id) == client_id)).first()
    if row is None:
        raise NotFound("That prospect no longer exists")
    objections = _objections(session, Objection.client_id == client_id)
    item = _prospect(row, tuple(objections.get(client_id, ())))
    return _ordered_targets(item, [m.key for m in _metrics(session)])
