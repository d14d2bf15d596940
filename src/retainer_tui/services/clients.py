"""Writing clients: validate a typed draft field by field (the contact fields a prospect's
form shares too), save, archive, delete (with undo). Reading one is client_read's.

SQLAlchemy and the table classes are imported where a statement is built, not at the top:
the app imports this module on its start-up path, and its first frame must not wait.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from retainer_tui.db.engine import Database
from retainer_tui.domain import validation as v
from retainer_tui.domain.clients import ClientStatus, ServiceType
from retainer_tui.domain.month import Month
from retainer_tui.domain.names import same_name
from retainer_tui.services.catalog import id_named, name_taken
from retainer_tui.services.client_read import DRAFT_FIELDS, ClientDraft, read_client
from retainer_tui.services.errors import EditConflict, FormInvalid, NotFound
from retainer_tui.services.undo import (
    Change,
    Recorder,
    UndoStack,
    dependents,
    record,
    touch_dependents,
)

if TYPE_CHECKING:
    from sqlmodel import Session

    from retainer_tui.services.pipeline_prospect import ProspectDraft

STATUSES: tuple[str, ...] = tuple(s.value for s in ClientStatus)
SERVICE_TYPES: tuple[str, ...] = tuple(s.value for s in ServiceType)
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True, slots=True)
class ClientSaved:
    id: int
    name: str
    created: bool
    change: Change


@dataclass(frozen=True, slots=True)
class ClientData:
    """What goes with a client when it is deleted: row counts per kind."""

    goals: int
    results: int
    hours: int
    payments: int
    reports: int
    pipeline: int = 0
    """Pipeline records: the prospect's discovery, proposal and trial notes, objections."""

    def describe(self) -> str:
        """'12 targets, 40 results, 3 months of hours, 3 payments, 2 reports' (or 'no data')."""
        parts = [
            (self.goals, "target", "targets"),
            (self.results, "result", "results"),
            (self.hours, "month of hours", "months of hours"),
            (self.payments, "payment", "payments"),
            (self.reports, "report", "reports"),
            (self.pipeline, "pipeline record", "pipeline records"),
        ]
        said = [f"{n} {one if n == 1 else many}" for n, one, many in parts if n]
        return ", ".join(said) if said else "no goals, results or payments"


@dataclass(frozen=True, slots=True)
class ClientDeleted:
    id: int
    name: str
    data: ClientData
    change: Change


def _tier_id(session: Session, name: str) -> int | None:
    return id_named(session, "tier", name, None)


def clean_contact(
    session: Session, draft: ClientDraft | ProspectDraft, client_id: int | None
) -> tuple[dict[str, Any], dict[str, str]]:
    """The contact fields a client's form and a prospect's share: their column values (a
    name no other client has, by name_key), and the messages of those refused."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}

    def check(field: str, read: Callable[[], object]) -> None:
        try:
            values[field] = read()
        except v.InvalidValue as exc:
            errors[field] = str(exc)

    check("name", lambda: v.name(draft.name, "name"))
    if "name" not in errors and name_taken(session, "client", str(values["name"]), client_id):
        errors["name"] = f"a client named {values['name']!r} already exists"
    check("company", lambda: v.optional_line(draft.company, "company"))
    check("decision_maker", lambda: v.optional_line(draft.decision_maker, "decision maker"))
    check("email", lambda: v.optional_line(draft.email, "email"))
    if values.get("email") and not _EMAIL_RE.match(str(values["email"])):
        errors["email"] = "email must look like name@example.com"
    check("phone", lambda: v.optional_line(draft.phone, "phone"))
    check("service_type", lambda: v.choice(draft.service_type, list(SERVICE_TYPES), "service type"))
    return values, errors


def _clean(
    session: Session, draft: ClientDraft, client_id: int | None
) -> tuple[dict[str, object], dict[str, str]]:
    """Column values from a draft, and the messages of the fields that were refused."""
    values, errors = clean_contact(session, draft, client_id)

    def check(field: str, read: Callable[[], object], column: str = "") -> None:
        try:
            values[column or field] = read()
        except v.InvalidValue as exc:
            errors[field] = str(exc)

    check("status", lambda: v.choice(draft.status, list(STATUSES), "status"))
    try:
        tier_name = v.optional_line(draft.tier, "tier")
        if tier_name:
            tier_id = _tier_id(session, tier_name)
            if tier_id is None:
                raise v.InvalidValue(f"there is no tier named {tier_name!r}")
            values["tier_id"] = tier_id
        else:
            values["tier_id"] = None
    except v.InvalidValue as exc:
        errors["tier"] = str(exc)
    override = draft.fee_override.strip() if isinstance(draft.fee_override, str) else ""
    if override:
        check("fee_override", lambda: v.money(override, "fee override"), "fee_override_cents")
    else:
        values["fee_override_cents"] = None
    check("billing_day", lambda: v.day_of_month(draft.billing_day, "billing day"))
    check("report_due_day", lambda: v.day_of_month(draft.report_due_day, "report day"))
    check("start_month", lambda: v.optional_month(draft.start_month, "start month"))
    check("end_month", lambda: v.optional_month(draft.end_month, "end month"))
    start, end = values.get("start_month"), values.get("end_month")
    if isinstance(start, Month) and isinstance(end, Month) and end < start:
        errors["end_month"] = f"end month must not be before the start month ({start})"
    check("tracked_from", lambda: v.optional_month(draft.tracked_from, "tracked-from month"))
    tracked = values.get("tracked_from")
    if isinstance(start, Month) and isinstance(tracked, Month):
        if tracked < start:
            errors["tracked_from"] = (
                f"tracked-from month must not be before the start month ({start}); "
                "blank tracks from the start month"
            )
        elif tracked == start:
            values["tracked_from"] = None  # the same as unset: it follows the start month
    if (
        values.get("status") == ClientStatus.ENDED.value
        and "end_month" not in errors
        and values.get("end_month") is None
    ):
        errors["end_month"] = "an ended client needs its last month of service (YYYY-MM)"
    check("notes", lambda: v.long_text(draft.notes, "notes"))
    check("stage", lambda: v.optional_line(draft.stage, "stage"))
    check("next_action", lambda: v.optional_line(draft.next_action, "next action"))
    check("next_action_on", lambda: v.optional_date(draft.next_action_on, "next action date"))
    check("objections", lambda: v.long_text(draft.objections, "objections"))
    # Months are stored as 'YYYY-MM' text; next_action_on stays a date for its Date column.
    for column in ("start_month", "end_month", "tracked_from"):
        value = values.get(column)
        if value is not None and column not in errors:
            values[column] = str(value)
    return values, errors


def validate_client(
    db: Database, draft: ClientDraft, *, client_id: int | None = None
) -> dict[str, str]:
    """A message per refused field (empty when the draft can be saved)."""
    with db.reading() as session:
        return _clean(session, draft, client_id)[1]


def _same(a: object, b: object) -> bool:
    return str(a).strip() == str(b).strip()


def _merge(session: Session, draft: ClientDraft, base: ClientDraft, client_id: int) -> ClientDraft:
    """The form's draft over the stored client: a field the form left as it opened takes
    the stored value (another window may have saved one since); a field changed both
    here and there is refused (EditConflict), so neither change is lost unseen."""
    stored_record = read_client(session, client_id)
    assert stored_record is not None
    stored = stored_record.draft()
    merged: dict[str, object] = {}
    conflicts: dict[str, str] = {}
    for name in DRAFT_FIELDS:
        mine, opened, now = getattr(draft, name), getattr(base, name), getattr(stored, name)
        if _same(mine, opened):
            merged[name] = now
            continue
        if not _same(now, opened) and not _same(now, mine):
            shown = str(now).strip() or "blank"
            if len(shown) > 40:
                shown = shown[:39] + "…"
            who = _who_changed(session, client_id, name)
            conflicts[name] = (
                f"{who} changed it to {shown!r} since this form opened; save again to keep yours"
            )
        merged[name] = mine
    if conflicts:
        raise EditConflict(conflicts, current=stored)
    return ClientDraft(**merged)  # type: ignore[arg-type]


def _who_changed(session: Session, client_id: int, field: str) -> str:
    """Who changed the client's field last, as services.edit_guard says it ("sara",
    "Another window" when it was this person)."""
    from retainer_tui.services.edit_guard import who_changed
    from retainer_tui.services.undo import RowChange

    column = _DRAFT_COLUMNS.get(field, field)
    return who_changed(session, [RowChange("client", (client_id,), None, None)], field=column)


# Draft fields stored under another column name (the log names columns).
_DRAFT_COLUMNS = {"tier": "tier_id", "fee_override": "fee_override_cents"}


def save_client(
    db: Database,
    *,
    draft: ClientDraft,
    client_id: int | None = None,
    base: ClientDraft | None = None,
    undo: UndoStack | None = None,
) -> ClientSaved:
    """Create (client_id None) or update a client in one transaction; FormInvalid if refused.

    `base` is the client as the form opened it: only the fields changed since are
    written, so a change saved meanwhile by another window is kept (EditConflict when
    both changed one field).
    """
    from sqlalchemy import insert, select, update
    from sqlalchemy.exc import IntegrityError
    from sqlmodel import col

    from retainer_tui.db.models import Client, with_name_key

    client_key = col(Client.id)
    with db.writing() as session:
        if (
            client_id is not None
            and session.execute(select(client_key).where(client_key == client_id)).first() is None
        ):
            raise NotFound("That client no longer exists")
        if base is not None and client_id is not None:
            draft = _merge(session, draft, base, client_id)
        values, errors = _clean(session, draft, client_id)
        if errors:
            raise FormInvalid(errors)
        rec = Recorder(session)
        try:
            if client_id is None:
                # _clean gives every column but id: a Core insert applies no model defaults.
                client_id = session.execute(
                    insert(Client).values(values).returning(client_key)
                ).scalar_one()
                rec.mark_new("client", (client_id,))
                created = True
            else:
                rec.touch("client", (client_id,))
                session.execute(
                    update(Client).where(client_key == client_id).values(with_name_key(values))
                )
                created = False
        except IntegrityError:
            # Lost a race with another writer for the name.
            raise FormInvalid(
                {"name": f"a client named {values['name']!r} already exists"}
            ) from None
        label = f"new client {values['name']}" if created else f"changes to {values['name']}"
        change = rec.finish(label)
    return ClientSaved(
        id=client_id, name=str(values["name"]), created=created, change=record(undo, change)
    )


def client_data(db: Database, *, client_id: int) -> ClientData:
    """How many goals, results, hours, payments and reports go with a client."""
    with db.reading() as session:
        return _client_data(session, client_id)


_DATA_TABLES = ("goal", "result", "hours", "payment", "report")


def _client_data(session: Session, client_id: int) -> ClientData:
    from sqlalchemy import func, select

    from retainer_tui.db.models import metadata

    counts = {}
    for dep in dependents(session, "client"):
        t = metadata.tables[dep.table]
        counts[dep.table] = session.execute(
            select(func.count()).select_from(t).where(t.c[dep.column] == client_id)
        ).scalar_one()
    pipeline = sum(n for table, n in counts.items() if table not in _DATA_TABLES)
    return ClientData(
        goals=counts.get("goal", 0),
        results=counts.get("result", 0),
        hours=counts.get("hours", 0),
        payments=counts.get("payment", 0),
        reports=counts.get("report", 0),
        pipeline=pipeline,
    )


def delete_client(
    db: Database, *, client_id: int, confirm_name: str | None = None, undo: UndoStack | None = None
) -> ClientDeleted:
    """Delete a client and everything recorded for it (undoable in this session).

    When confirm_name is given it must match the client's name (ignoring case and
    surrounding spaces), else FormInvalid on field "confirm".
    """
    from sqlalchemy import delete, select
    from sqlmodel import col

    from retainer_tui.db.models import Client

    with db.writing() as session:
        name = session.execute(select(col(Client.name)).where(col(Client.id) == client_id)).scalar()
        if name is None:
            raise NotFound("That client no longer exists")
        if confirm_name is not None and not same_name(confirm_name, name):
            raise FormInvalid({"confirm": f"type the client's name, {name}, to delete it"})
        data = _client_data(session, client_id)
        rec = Recorder(session)
        rec.touch("client", (client_id,))
        touch_dependents(rec, "client", client_id)
        # Goals, results, hours… go by the foreign keys' ON DELETE CASCADE, in the database.
        session.execute(delete(Client).where(col(Client.id) == client_id))
        change = rec.finish(f"deleting {name}")
    return ClientDeleted(id=client_id, name=name, data=data, change=record(undo, change))


def archive_client(
    db: Database, *, client_id: int, today: date, undo: UndoStack | None = None
) -> ClientSaved:
    """End a client instead of deleting it: status ended, end month this month unless set."""
    from sqlalchemy import select, update
    from sqlmodel import col

    from retainer_tui.db.models import Client

    with db.writing() as session:
        row = session.execute(
            select(col(Client.name), col(Client.start_month), col(Client.end_month)).where(
                col(Client.id) == client_id
            )
        ).first()
        if row is None:
            raise NotFound("That client no longer exists")
        name, start, end = row
        if not end:
            end_month = Month.of(today)
            if start and Month.stored(start) > end_month:
                end_month = Month.stored(start)
            end = str(end_month)
        rec = Recorder(session)
        rec.touch("client", (client_id,))
        session.execute(
            update(Client)
            .where(col(Client.id) == client_id)
            .values(status=ClientStatus.ENDED.value, end_month=end)
        )
        change = rec.finish(f"archiving {name}")
    return ClientSaved(id=client_id, name=name, created=False, change=record(undo, change))
