"""The prospect pipeline: from the first call to a retained client, in a few SQL queries.

Reads return frozen dataclasses; every write is one short transaction, recorded for undo.
A prospect's stage, next action and date live on its client row; the rest (discovery
notes, proposal, paid trial, outcome) in its `prospect` row, created on first write.

SQLAlchemy and the table classes are imported inside the functions: the app's screens
import this module before their first frame, which must not wait for SQLAlchemy.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from retainer_tui import paths
from retainer_tui.db.engine import Database
from retainer_tui.domain import validation as v
from retainer_tui.domain.clients import ClientStatus, ServiceType
from retainer_tui.domain.month import Month
from retainer_tui.domain.names import name_key
from retainer_tui.domain.pipeline import (
    ALL_STAGES,
    OBJECTION_KINDS,
    STAGES,
    ObjectionKind,
    PipelineEntry,
    PipelineFigures,
    Stage,
    StageError,
    action_sort_key,
    default_next_action,
    default_start_month,
    is_overdue,
    next_stage,
    parse_stage,
    pipeline_figures,
    previous_stage,
    stored_stage,
    success_criteria,
    targets_in_order,
)
from retainer_tui.domain.proposal import (
    ProposalEmail,
    ProposalInput,
    TierOffer,
    choose_offers,
    proposal_document,
    proposal_email,
    proposal_file_name,
)
from retainer_tui.services.errors import FormInvalid, NotFound, ServiceError
from retainer_tui.services.undo import Change, Recorder, UndoStack, record

if TYPE_CHECKING:
    import sqlite3

    from sqlalchemy import ColumnElement, CursorResult, Select
    from sqlmodel import Session

_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_TRIAL_DAYS = 366
MAX_OBJECTIONS = 50
MAX_EXTRA_SERVICES = 30


class PipelineError(ServiceError):
    """A pipeline action that cannot be done now; str() says why and what to do."""


class TrialDetailsNeeded(PipelineError):
    """Moving into the paid trial needs its fee and dates first."""


class TierNeeded(PipelineError):
    """The action needs a tier and there is none to choose from."""


# ---------------------------------------------------------------- read models


@dataclass(frozen=True, slots=True)
class TierInfo:
    id: int
    name: str
    monthly_fee_cents: int
    included_hours: int
    services: tuple[str, ...]
    description: str

    def offer(self) -> TierOffer:
        return TierOffer(
            self.name, self.monthly_fee_cents, self.included_hours, self.services, self.description
        )


@dataclass(frozen=True, slots=True)
class MetricRef:
    key: str
    label: str


@dataclass(frozen=True, slots=True)
class ObjectionInfo:
    kind: ObjectionKind
    text: str
    answer: str


@dataclass(frozen=True, slots=True)
class Prospect:
    """One prospect with everything the pipeline shows about it."""

    id: int
    name: str
    company: str
    decision_maker: str
    email: str
    phone: str
    service_type: str
    status: ClientStatus
    stage: Stage
    next_action: str
    next_action_on: date | None
    objection_notes: str
    billing_day: int
    start_month: Month | None
    client_tier_id: int | None
    client_tier: str | None
    client_fee_cents: int | None
    workload: str = ""
    goals: str = ""
    targets: tuple[tuple[str, int], ...] = ()
    extra_services: tuple[str, ...] = ()
    recommended_tier_id: int | None = None
    recommended_tier: str | None = None
    recommended_fee_cents: int | None = None
    chosen_tier_id: int | None = None
    chosen_tier: str | None = None
    chosen_fee_cents: int | None = None
    proposal_sent_on: date | None = None
    proposal_subject: str = ""
    proposal_body: str = ""
    proposal_markdown: bool = False
    trial_fee_cents: int | None = None
    trial_start: date | None = None
    trial_end: date | None = None
    trial_criteria: str = ""
    trial_outcome: str | None = None
    retained_on: date | None = None
    lost_reason: str = ""
    lost_from: Stage | None = None
    lost_on: date | None = None
    objections: tuple[ObjectionInfo, ...] = ()

    @property
    def tier(self) -> str | None:
        """The tier the prospect is valued at: chosen, else recommended, else its own."""
        if self.stage is Stage.RETAINED:
            return self.client_tier or self.chosen_tier
        return self.chosen_tier or self.recommended_tier or self.client_tier

    @property
    def value_cents(self) -> int:
        """Monthly value: the retained client's fee, else the chosen or recommended tier's."""
        if self.stage is Stage.RETAINED:
            return self.client_fee_cents or self.chosen_fee_cents or 0
        for fee in (self.chosen_fee_cents, self.recommended_fee_cents, self.client_fee_cents):
            if fee is not None:
                return fee
        return 0

    @property
    def has_trial(self) -> bool:
        return self.trial_start is not None and self.trial_fee_cents is not None

    def overdue(self, today: date) -> bool:
        return self.stage.is_open and is_overdue(self.next_action_on, today)

    def entry(self) -> PipelineEntry:
        return PipelineEntry(self.stage, self.value_cents, self.trial_outcome)


@dataclass(frozen=True, slots=True)
class PipelineView:
    """The pipeline as of a date: prospects in stage order (overdue first), and figures."""

    as_of: date
    currency: str
    prospects: tuple[Prospect, ...]
    figures: PipelineFigures
    tiers: tuple[TierInfo, ...] = ()
    metrics: tuple[MetricRef, ...] = ()

    def in_stage(self, stage: Stage) -> tuple[Prospect, ...]:
        return tuple(p for p in self.prospects if p.stage is stage)

    def find(self, client_id: int) -> Prospect | None:
        return next((p for p in self.prospects if p.id == client_id), None)


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
        Client.id,
        Client.name,
        Client.company,
        Client.decision_maker,
        Client.email,
        Client.phone,
        Client.service_type,
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
        Row.proposal_sent_on,
        Row.proposal_subject,
        Row.proposal_body,
        Row.proposal_markdown,
        Row.trial_fee_cents,
        Row.trial_start,
        Row.trial_end,
        Row.trial_criteria,
        Row.trial_outcome,
        Row.retained_on,
        Row.lost_reason,
        Row.lost_from,
        Row.lost_on,
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
    from sqlalchemy import String, type_coerce

    return type_coerce(column, String)


def _stored_json(value: Any) -> Any:
    """A JSON value to write, as the text json.dumps(ensure_ascii=False) gives (the JSON
    type would escape every non-ASCII letter, and the stored text is kept as it was)."""
    from sqlalchemy import String, type_coerce

    return type_coerce(json.dumps(value, ensure_ascii=False), String)


def _session_of(conn: Session | sqlite3.Connection) -> Session:
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
    (cid, name, company, dm, email, phone, service, status, stage_text, next_action,
     next_on, objection_notes, billing_day, start, tier_id, tier, fee,
     workload, goals, targets, extras, rec_id, rec, rec_fee, chosen_id, chosen, chosen_fee,
     sent_on, subject, body, markdown, trial_fee, trial_start, trial_end, criteria, outcome,
     retained_on, lost_reason, lost_from, lost_on) = row  # fmt: skip
    lost_stage = None
    if lost_from:
        try:
            lost_stage = parse_stage(lost_from)
        except StageError:
            lost_stage = None
    extras_list = _json(extras, [])
    return Prospect(
        id=cid,
        name=name,
        company=company,
        decision_maker=dm,
        email=email,
        phone=phone,
        service_type=service,
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


def read_tiers(conn: Session | sqlite3.Connection) -> tuple[TierInfo, ...]:
    """The tiers in the order they are offered."""
    from sqlmodel import col, select

    from retainer_tui.db.models import Tier

    session = _session_of(conn)
    columns: list[Any] = [
        Tier.id,
        Tier.name,
        Tier.monthly_fee_cents,
        Tier.included_hours,
        _json_text(Tier.services),
        Tier.description,
    ]
    order = (col(Tier.position), col(Tier.monthly_fee_cents), col(Tier.name))
    rows = session.execute(select(*columns).order_by(*order)).all()
    out = []
    for tid, name, fee, hours, services, description in rows:
        listed = _json(services, [])
        out.append(
            TierInfo(
                tid,
                name,
                fee,
                hours or 0,
                tuple(str(s) for s in listed) if isinstance(listed, list) else (),
                description or "",
            )
        )
    return tuple(out)


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


def _currency(session: Session) -> str:
    from sqlmodel import select

    from retainer_tui.db.models import Meta

    value = session.execute(select(Meta.value).where(Meta.key == "currency")).scalar()
    return value if value is not None else "USD"


def guaranteed_income(conn: Session | sqlite3.Connection, month: Month) -> int:
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
        return read_tiers(session)


def income_now(db: Database, *, today: date | None = None) -> tuple[int, str]:
    """This month's guaranteed income (cents) and the database's currency."""
    with db.reading() as session:
        return guaranteed_income(session, Month.of(today or date.today())), _currency(session)


def load_pipeline(db: Database, *, as_of: date) -> PipelineView:
    """Every prospect by stage (overdue next actions first), with the pipeline's figures."""
    with db.reading() as session:
        return load_pipeline_from(session, as_of=as_of)


def load_pipeline_from(conn: Session | sqlite3.Connection, *, as_of: date) -> PipelineView:
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
        tiers=read_tiers(session),
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


# ---------------------------------------------------------------- write helpers


@dataclass(frozen=True, slots=True)
class PipelineChange:
    """What a pipeline action did, with a message for the toast."""

    client_id: int
    name: str
    stage: Stage
    message: str
    change: Change = field(default_factory=lambda: Change("", ()))


def _ensure_prospect_row(session: Session, rec: Recorder, client_id: int) -> None:
    from retainer_tui.db.models import Prospect as Row
    from retainer_tui.db.statements import upsert

    rec.touch("prospect", (client_id,))
    session.execute(upsert(session, Row, keys=["client_id"], update=[]), [{"client_id": client_id}])


def _set_prospect(
    session: Session, rec: Recorder, client_id: int, values: Mapping[str, Any]
) -> None:
    from sqlalchemy import update
    from sqlmodel import col

    from retainer_tui.db.models import Prospect as Row

    _ensure_prospect_row(session, rec, client_id)
    if values:
        session.execute(
            update(Row)
            .where(col(Row.client_id) == client_id)
            .values({c: _sql_value(value) for c, value in values.items()})
        )


def _set_client(session: Session, rec: Recorder, client_id: int, values: Mapping[str, Any]) -> None:
    from sqlalchemy import update
    from sqlmodel import col

    from retainer_tui.db.models import Client, with_name_key

    rec.touch("client", (client_id,))
    session.execute(
        update(Client)
        .where(col(Client.id) == client_id)
        .values(with_name_key({c: _sql_value(value) for c, value in values.items()}))
    )


def _sql_value(value: Any) -> Any:
    """A value as its column stores it (dates stay dates: the Date type writes them)."""
    if isinstance(value, Month | Stage):
        return str(value)
    if isinstance(value, dict | list):
        return _stored_json(value)
    return value


def _stage_values(stage: Stage, today: date, *, trial_end: date | None = None) -> dict[str, Any]:
    action, on = default_next_action(stage, today, trial_end=trial_end)
    return {"stage": stage.value, "next_action": action, "next_action_on": on}


def _tier_exists(session: Session, tier_id: int | None) -> bool:
    from sqlmodel import select

    from retainer_tui.db.models import Tier

    return tier_id is not None and (
        session.execute(select(Tier.id).where(Tier.id == tier_id)).first() is not None
    )


def _tier_name(session: Session, tier_id: int) -> str:
    from sqlmodel import select

    from retainer_tui.db.models import Tier

    return session.execute(select(Tier.name).where(Tier.id == tier_id)).scalar_one()


def default_recommendation(p: Prospect, tiers: Sequence[TierInfo]) -> int | None:
    """The tier to recommend unless told otherwise: the one already recommended or chosen,
    else the client's own, else the top tier (the article recommends the most value)."""
    ids = {t.id for t in tiers}
    for tid in (p.recommended_tier_id, p.chosen_tier_id, p.client_tier_id):
        if tid in ids:
            return tid
    return tiers[-1].id if tiers else None


def _insert_goals(session: Session, rec: Recorder, p: Prospect, month: Month) -> list[str]:
    """The prospect's monthly targets as goals from the month, unless one is already in
    force for that metric (a trial's goals carry forward into the retainer)."""
    from sqlmodel import select

    from retainer_tui.db.models import Goal, Metric
    from retainer_tui.db.statements import upsert

    known = set(session.execute(select(Metric.key)).scalars())
    added = []
    for key, target in p.targets:
        if key not in known:
            continue
        in_force = select(Goal.target).where(
            Goal.client_id == p.id, Goal.metric_key == key, Goal.month <= str(month)
        )
        if session.execute(in_force.limit(1)).first() is not None:
            continue
        rec.touch("goal", (p.id, key, str(month)))
        session.execute(
            upsert(session, Goal, keys=["client_id", "metric_key", "month"], update=["target"]),
            [{"client_id": p.id, "metric_key": key, "month": str(month), "target": target}],
        )
        added.append(key)
    return added


def _name_taken(session: Session, name: str, own_id: int | None) -> bool:
    """Whether another client or prospect has this name, compared by name_key."""
    from sqlmodel import select

    from retainer_tui.db.models import Client

    exclude = -1 if own_id is None else own_id
    wanted = name_key(name)
    return any(
        name_key(other) == wanted
        for other in session.execute(select(Client.name).where(Client.id != exclude)).scalars()
    )


def _check(errors: dict[str, str], name: str, read: Any) -> Any:
    try:
        return read()
    except v.InvalidValue as exc:
        errors[name] = str(exc)
        return None


# ---------------------------------------------------------------- prospects


@dataclass(frozen=True, slots=True)
class ProspectDraft:
    """A prospect's contact and next action, as typed in the form."""

    name: str = ""
    company: str = ""
    decision_maker: str = ""
    email: str = ""
    phone: str = ""
    service_type: str = ServiceType.SOCIAL_MEDIA.value
    next_action: str = ""
    next_action_on: str = ""


def prospect_draft(p: Prospect) -> ProspectDraft:
    return ProspectDraft(
        name=p.name,
        company=p.company,
        decision_maker=p.decision_maker,
        email=p.email,
        phone=p.phone,
        service_type=p.service_type,
        next_action=p.next_action,
        next_action_on=p.next_action_on.isoformat() if p.next_action_on else "",
    )


def _clean_prospect(
    session: Session, draft: ProspectDraft, client_id: int | None
) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    values["name"] = _check(errors, "name", lambda: v.name(draft.name, "name"))
    if "name" not in errors and _name_taken(session, values["name"], client_id):
        errors["name"] = f"a client named {values['name']!r} already exists"
    values["company"] = _check(errors, "company", lambda: v.optional_line(draft.company, "company"))
    values["decision_maker"] = _check(
        errors, "decision_maker", lambda: v.optional_line(draft.decision_maker, "decision maker")
    )
    values["email"] = _check(errors, "email", lambda: v.optional_line(draft.email, "email"))
    if values["email"] and not _EMAIL_RE.match(values["email"]):
        errors["email"] = "email must look like name@example.com"
    values["phone"] = _check(errors, "phone", lambda: v.optional_line(draft.phone, "phone"))
    values["service_type"] = _check(
        errors,
        "service_type",
        lambda: v.choice(draft.service_type, [s.value for s in ServiceType], "service type"),
    )
    values["next_action"] = _check(
        errors, "next_action", lambda: v.optional_line(draft.next_action, "next action")
    )
    values["next_action_on"] = _check(
        errors,
        "next_action_on",
        lambda: v.optional_date(draft.next_action_on, "next action date"),
    )
    return values, errors


def validate_prospect(
    db: Database, draft: ProspectDraft, *, client_id: int | None = None
) -> dict[str, str]:
    """A message per refused field (empty when the draft can be saved)."""
    with db.reading() as session:
        return _clean_prospect(session, draft, client_id)[1]


def _client_exists(session: Session, client_id: int) -> bool:
    from sqlmodel import select

    from retainer_tui.db.models import Client

    return session.execute(select(Client.id).where(Client.id == client_id)).first() is not None


def _insert_prospect(session: Session, row: Mapping[str, Any]) -> int:
    """A new client row (every column that has no default in the table is given) and its
    empty prospect row; the client's id."""
    from sqlalchemy import insert

    from retainer_tui.db.models import Client
    from retainer_tui.db.models import Prospect as Row

    result = session.execute(insert(Client).values({c: _sql_value(x) for c, x in row.items()}))
    key = cast("CursorResult[Any]", result).inserted_primary_key
    client_id = int(key[0]) if key else 0
    session.execute(insert(Row).values(client_id=client_id))
    return client_id


def save_prospect(
    db: Database,
    *,
    draft: ProspectDraft,
    today: date,
    client_id: int | None = None,
    report_due_day: int = 5,
    undo: UndoStack | None = None,
) -> PipelineChange:
    """Create a prospect at the first stage (client_id None) or update its contact and next
    action; FormInvalid when refused, nothing written."""
    from sqlalchemy.exc import IntegrityError

    with db.write() as conn:
        session = _session_of(conn)
        if client_id is not None and not _client_exists(session, client_id):
            raise NotFound("That prospect no longer exists")
        values, errors = _clean_prospect(session, draft, client_id)
        if errors:
            raise FormInvalid(errors)
        rec = Recorder(conn)
        if client_id is None:
            if not values["next_action"]:
                values["next_action"], default_on = default_next_action(Stage.CALL_SCHEDULED, today)
                values["next_action_on"] = values["next_action_on"] or default_on
            row = {
                **values,
                "status": ClientStatus.PROSPECT.value,
                "stage": Stage.CALL_SCHEDULED.value,
                "billing_day": 1,
                "report_due_day": report_due_day,
                "notes": "",
                "objections": "",
            }
            client_id = _insert_prospect(session, row)
            rec.mark_new("client", (client_id,))
            rec.mark_new("prospect", (client_id,))
            message = f"New prospect {values['name']}: call scheduled"
            label = f"new prospect {values['name']}"
        else:
            try:
                _set_client(session, rec, client_id, values)
            except IntegrityError:
                raise FormInvalid(
                    {"name": f"a client named {values['name']!r} already exists"}
                ) from None
            message = f"Saved {values['name']}"
            label = f"changes to {values['name']}"
        stage = _read_prospect(session, client_id).stage
        change = rec.finish(label)
    return PipelineChange(client_id, values["name"], stage, message, record(undo, change))


# ---------------------------------------------------------------- discovery


@dataclass(frozen=True, slots=True)
class DiscoveryDraft:
    """Discovery notes as typed: workload and goals for the next 3–6 months, monthly targets
    by metric key ("" for none), suggested extra services one per line."""

    workload: str = ""
    goals: str = ""
    targets: Mapping[str, str | int] = field(default_factory=dict)
    extra_services: str = ""


def discovery_draft(p: Prospect) -> DiscoveryDraft:
    return DiscoveryDraft(
        workload=p.workload,
        goals=p.goals,
        targets={k: str(t) for k, t in p.targets},
        extra_services="\n".join(p.extra_services),
    )


def _clean_discovery(
    session: Session, draft: DiscoveryDraft
) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {
        "workload": _check(
            errors, "workload", lambda: v.long_text(draft.workload, "expected workload")
        ),
        "goals": _check(errors, "goals", lambda: v.long_text(draft.goals, "goals")),
    }
    labels = _metric_labels(session)
    targets: dict[str, int] = {}
    for key, typed in draft.targets.items():
        if isinstance(typed, str) and not typed.strip():
            continue
        if key not in labels:
            errors[f"target-{key}"] = f"there is no metric {key!r}"
            continue
        number = _check(errors, f"target-{key}", lambda t=typed, k=key: v.count(t, labels[k]))
        if number:
            targets[key] = number
    values["targets"] = targets
    extras_text = _check(
        errors, "extra_services", lambda: v.long_text(draft.extra_services, "extra services")
    )
    extras: list[str] = []
    for line in (extras_text or "").splitlines():
        item = line.strip().lstrip("-*•").strip()
        if not item:
            continue
        if len(item) > v.MAX_NAME:
            errors["extra_services"] = (
                f"each extra service fits on one line (at most {v.MAX_NAME} characters)"
            )
            break
        if item.casefold() not in {e.casefold() for e in extras}:
            extras.append(item)
    if len(extras) > MAX_EXTRA_SERVICES:
        errors["extra_services"] = f"at most {MAX_EXTRA_SERVICES} extra services"
    values["extra_services"] = extras
    return values, errors


def save_discovery(
    db: Database, *, client_id: int, draft: DiscoveryDraft, undo: UndoStack | None = None
) -> PipelineChange:
    """Store the discovery notes (FormInvalid when refused, nothing written)."""
    with db.write() as conn:
        session = _session_of(conn)
        p = _read_prospect(session, client_id)
        values, errors = _clean_discovery(session, draft)
        if errors:
            raise FormInvalid(errors)
        rec = Recorder(conn)
        _set_prospect(session, rec, client_id, values)
        change = rec.finish(f"discovery notes for {p.name}")
    return PipelineChange(
        client_id, p.name, p.stage, f"Saved discovery notes for {p.name}", record(undo, change)
    )


# ---------------------------------------------------------------- objections


@dataclass(frozen=True, slots=True)
class ObjectionDraft:
    kind: str = ObjectionKind.MONEY.value
    text: str = ""
    answer: str = ""


def save_objections(
    db: Database,
    *,
    client_id: int,
    objections: Sequence[ObjectionDraft],
    undo: UndoStack | None = None,
) -> PipelineChange:
    """Replace the prospect's objections (in order); empty rows are dropped.

    FormInvalid keys are 'objection-N-kind', '-text', '-answer' (N from 0).
    """
    errors: dict[str, str] = {}
    clean: list[tuple[str, str, str]] = []
    for i, item in enumerate(objections):
        if not item.text.strip() and not item.answer.strip():
            continue
        kind = _check(
            errors,
            f"objection-{i}-kind",
            lambda item=item: v.choice(item.kind, list(OBJECTION_KINDS), "kind"),
        )
        text = _check(
            errors, f"objection-{i}-text", lambda item=item: v.long_text(item.text, "objection")
        )
        if text == "" and f"objection-{i}-text" not in errors:
            errors[f"objection-{i}-text"] = "say what the objection was"
        answer = _check(
            errors, f"objection-{i}-answer", lambda item=item: v.long_text(item.answer, "answer")
        )
        clean.append((kind or "", text or "", answer or ""))
    if len(clean) > MAX_OBJECTIONS:
        errors["objections"] = f"at most {MAX_OBJECTIONS} objections"
    if errors:
        raise FormInvalid(errors)
    from sqlalchemy import delete, insert
    from sqlmodel import col

    from retainer_tui.db.models import Objection

    with db.write() as conn:
        session = _session_of(conn)
        p = _read_prospect(session, client_id)
        rec = Recorder(conn)
        rec.touch_where("objection", "client_id = ?", (client_id,))
        session.execute(delete(Objection).where(col(Objection.client_id) == client_id))
        rows = []
        for position, (kind, text, answer) in enumerate(clean):
            rec.touch("objection", (client_id, position))
            rows.append(
                dict(client_id=client_id, position=position, kind=kind, text=text, answer=answer)
            )
        if rows:
            session.execute(insert(Objection), rows)
        change = rec.finish(f"objections of {p.name}")
    noun = "objection" if len(clean) == 1 else "objections"
    return PipelineChange(
        client_id, p.name, p.stage, f"Saved {len(clean)} {noun} for {p.name}", record(undo, change)
    )


# ---------------------------------------------------------------- stages


def move_prospect(
    db: Database, *, client_id: int, step: int, today: date, undo: UndoStack | None = None
) -> PipelineChange:
    """Move a prospect one stage on (step 1) or back (step -1), with the new stage's next
    action. Moving on fills what the stage needs from what is known (the recommended tier,
    the chosen one); the paid trial needs its details first (TrialDetailsNeeded), and a
    retained prospect becomes an active client from the default start month."""
    if step not in (1, -1):
        raise ValueError("step is 1 or -1")
    with db.write() as conn:
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
    tiers = read_tiers(session)
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


# ---------------------------------------------------------------- proposal


@dataclass(frozen=True, slots=True)
class ProposalContext:
    """What the proposal screen needs: the prospect, the tiers, the currency, the labels."""

    prospect: Prospect
    tiers: tuple[TierInfo, ...]
    currency: str
    metric_labels: Mapping[str, str]

    @property
    def default_tier_id(self) -> int | None:
        return default_recommendation(self.prospect, self.tiers)

    def email(
        self, recommended_tier_id: int | None = None, *, markdown: bool = False
    ) -> ProposalEmail:
        """The generated email recommending the tier (default: the stored recommendation)."""
        if not self.tiers:
            raise TierNeeded("Add a tier first: a proposal offers tiers (T on the dashboard)")
        tier_id = recommended_tier_id or self.default_tier_id
        recommended = next((t for t in self.tiers if t.id == tier_id), self.tiers[-1])
        p = self.prospect
        data = ProposalInput(
            client=p.name,
            company=p.company,
            decision_maker=p.decision_maker,
            tiers=choose_offers([t.offer() for t in self.tiers], recommended.name),
            recommended=recommended.name,
            currency=self.currency,
            goals=p.goals,
            targets=tuple((self.metric_labels.get(k, k), t) for k, t in p.targets),
            extra_services=p.extra_services,
            billing_day=p.billing_day,
        )
        return proposal_email(data, markdown=markdown)

    def stored_or_generated(self, *, markdown: bool | None = None) -> ProposalEmail:
        """The text last saved (edits kept) when in the asked format, else a fresh one."""
        p = self.prospect
        fmt = p.proposal_markdown if markdown is None else markdown
        if p.proposal_body and p.proposal_markdown == fmt:
            return ProposalEmail(p.proposal_subject, p.proposal_body, fmt)
        return self.email(markdown=fmt)


def proposal_context(db: Database, *, client_id: int) -> ProposalContext:
    with db.reading() as session:
        return ProposalContext(
            prospect=_read_prospect(session, client_id),
            tiers=read_tiers(session),
            currency=_currency(session),
            metric_labels=_metric_labels(session),
        )


def save_proposal(
    db: Database,
    *,
    client_id: int,
    recommended_tier_id: int,
    subject: str,
    body: str,
    markdown: bool,
    today: date,
    sent_on: date | None = None,
    undo: UndoStack | None = None,
) -> PipelineChange:
    """Keep the (edited) proposal and its recommended tier; with sent_on, record it as sent
    and move a prospect that had not got that far to 'proposal sent'."""
    errors: dict[str, str] = {}
    clean_subject = _check(errors, "subject", lambda: v.name(subject, "subject"))
    clean_body = _check(errors, "body", lambda: v.long_text(body, "the email"))
    if not errors and not (clean_body or "").strip():
        errors["body"] = "the email is empty"
    if errors:
        raise FormInvalid(errors)
    with db.write() as conn:
        session = _session_of(conn)
        p = _read_prospect(session, client_id)
        if not _tier_exists(session, recommended_tier_id):
            raise FormInvalid({"tier": "that tier no longer exists"})
        rec = Recorder(conn)
        values: dict[str, Any] = {
            "recommended_tier_id": recommended_tier_id,
            "proposal_subject": clean_subject,
            "proposal_body": clean_body or "",
            "proposal_markdown": bool(markdown),
        }
        message = f"Saved the proposal for {p.name}"
        stage = p.stage
        if sent_on is not None:
            values["proposal_sent_on"] = sent_on
            message = f"Proposal to {p.name} marked sent on {sent_on.isoformat()}"
            if p.stage.is_open and STAGES.index(p.stage) < STAGES.index(Stage.PROPOSAL_SENT):
                stage = Stage.PROPOSAL_SENT
                _set_client(session, rec, p.id, _stage_values(stage, sent_on))
                message += ": follow up in 3 days"
        _set_prospect(session, rec, p.id, values)
        change = rec.finish(f"the proposal for {p.name}")
    return PipelineChange(client_id, p.name, stage, message, record(undo, change))


def default_proposal_path(client: str, *, markdown: bool) -> Path:
    """documents_dir()/client-proposal.md (or .txt)."""
    return paths.documents_dir() / proposal_file_name(client, markdown=markdown)


def export_proposal(
    path: Path,
    *,
    subject: str,
    body: str,
    markdown: bool,
    database: Path | None = None,
    overwrite: bool = True,
) -> Path:
    """Write the proposal (subject first) to a file readable by its owner only, by the same
    rules as a report's export (ExportExists when overwrite=False meets a file)."""
    from retainer_tui.services.reports import ExportExists, ReportError, export_report

    text = proposal_document(subject, body, markdown=markdown)
    try:
        return export_report(path, text, database=database, overwrite=overwrite)
    except ExportExists:
        raise
    except ReportError as exc:
        raise PipelineError(str(exc)) from None


def choose_tier(
    db: Database, *, client_id: int, tier_id: int, today: date, undo: UndoStack | None = None
) -> PipelineChange:
    """The client confirmed a tier: store it, and move on to 'tier chosen' if not there yet."""
    with db.write() as conn:
        session = _session_of(conn)
        p = _read_prospect(session, client_id)
        if not _tier_exists(session, tier_id):
            raise FormInvalid({"tier": "that tier no longer exists"})
        rec = Recorder(conn)
        _set_prospect(session, rec, p.id, {"chosen_tier_id": tier_id})
        stage = p.stage
        if p.stage.is_open and STAGES.index(p.stage) < STAGES.index(Stage.TIER_CHOSEN):
            stage = Stage.TIER_CHOSEN
            _set_client(session, rec, p.id, _stage_values(stage, today))
        name = _tier_name(session, tier_id)
        change = rec.finish(f"{p.name} choosing {name}")
    return PipelineChange(client_id, p.name, stage, f"{p.name} chose {name}", record(undo, change))


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
    with db.write() as conn:
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
    errors: dict[str, str] = {}
    start = _check(errors, "start_month", lambda: v.month(start_month, "start month"))
    if errors:
        raise FormInvalid(errors)
    with db.write() as conn:
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
    errors: dict[str, str] = {}
    clean = _check(errors, "reason", lambda: v.name(reason, "reason"))
    if errors:
        raise FormInvalid(errors)
    with db.write() as conn:
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
