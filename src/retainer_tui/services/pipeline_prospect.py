"""A prospect's own details, each saved as one transaction recorded for undo: its contact
and next action (creating it at the first stage), discovery notes, and objections.

SQLAlchemy and the table classes are imported inside the functions: the app's screens
import this module before their first frame, which must not wait for SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from retainer_tui.db.engine import Database
from retainer_tui.domain import validation as v
from retainer_tui.domain.clients import ClientStatus, ServiceType
from retainer_tui.domain.pipeline import (
    OBJECTION_KINDS,
    ObjectionKind,
    Stage,
    default_next_action,
)
from retainer_tui.services.clients import clean_contact
from retainer_tui.services.edit_guard import (
    EditVersion,
    Watch,
    check_unchanged,
    opened,
    watch,
)
from retainer_tui.services.entry_common import check_field as _check
from retainer_tui.services.errors import FormInvalid, NotFound
from retainer_tui.services.pipeline_models import PipelineChange, Prospect
from retainer_tui.services.pipeline_read import _metric_labels, _read_prospect, _session_of
from retainer_tui.services.pipeline_write import (
    _set_client,
    _set_prospect,
    _sql_value,
)
from retainer_tui.services.undo import Recorder, UndoStack, record

if TYPE_CHECKING:
    from sqlalchemy import CursorResult
    from sqlmodel import Session

MAX_OBJECTIONS = 50
MAX_EXTRA_SERVICES = 30


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
    values, errors = clean_contact(session, draft, client_id)
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
    expected: EditVersion | None = None,
) -> PipelineChange:
    """Create a prospect at the first stage (client_id None) or update its contact and next
    action; FormInvalid when refused, nothing written. `expected` is the prospect as the
    form opened it (prospect_version): changed since, EditConflict and nothing written."""
    from sqlalchemy.exc import IntegrityError

    with db.writing() as conn:
        session = _session_of(conn)
        if client_id is not None and not _client_exists(session, client_id):
            raise NotFound("That prospect no longer exists")
        if client_id is not None:
            check_unchanged(conn, expected)
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
            # The dashboard lists clients in service: say where the prospect is instead.
            message = (
                f"New prospect {values['name']}: call scheduled. It is in the pipeline (P); "
                "the dashboard lists it once retained (x shows prospects there)"
            )
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
    db: Database,
    *,
    client_id: int,
    draft: DiscoveryDraft,
    undo: UndoStack | None = None,
    expected: EditVersion | None = None,
) -> PipelineChange:
    """Store the discovery notes (FormInvalid when refused, nothing written); `expected`
    is the notes as the form opened them (discovery_version): changed since, EditConflict."""
    with db.writing() as conn:
        session = _session_of(conn)
        p = _read_prospect(session, client_id)
        check_unchanged(conn, expected)
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

    with db.writing() as conn:
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


def prospect_watch(client_id: int) -> Watch:
    """The rows the prospect form edits: the client's contact and next action."""
    columns = tuple(f.name for f in fields(ProspectDraft))
    return watch("client", columns=columns, id=client_id)


def discovery_watch(client_id: int) -> Watch:
    """The rows the discovery form edits: the prospect's discovery notes."""
    columns = ("workload", "goals", "targets", "extra_services")
    return watch("prospect", columns=columns, client_id=client_id)


def prospect_version(db: Database, *, client_id: int) -> EditVersion:
    """The prospect's contact and next action as the form opens, for save_prospect(expected=)."""
    return opened(db, prospect_watch(client_id))


def discovery_version(db: Database, *, client_id: int) -> EditVersion:
    """The discovery notes as the form opens, for save_discovery(expected=)."""
    return opened(db, discovery_watch(client_id))
