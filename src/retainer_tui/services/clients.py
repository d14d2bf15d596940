"""Clients: read one, validate a typed draft field by field, save, archive, delete (with undo)."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, fields
from datetime import date

from retainer_tui.db.engine import Database
from retainer_tui.domain import validation as v
from retainer_tui.domain.clients import ClientStatus, ServiceType
from retainer_tui.domain.money import decimal_string
from retainer_tui.domain.month import Month
from retainer_tui.domain.names import name_key, same_name
from retainer_tui.services.errors import EditConflict, FormInvalid, NotFound
from retainer_tui.services.undo import (
    Change,
    Recorder,
    UndoStack,
    dependents,
    record,
    touch_dependents,
)

STATUSES: tuple[str, ...] = tuple(s.value for s in ClientStatus)
SERVICE_TYPES: tuple[str, ...] = tuple(s.value for s in ServiceType)
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True, slots=True)
class ClientDraft:
    """A client as typed in the form: text as typed (or clean values from code).

    `tier` is a tier name ("" for none); `fee_override` "" means the tier's fee.
    """

    name: str = ""
    company: str = ""
    decision_maker: str = ""
    email: str = ""
    phone: str = ""
    service_type: str = ServiceType.SOCIAL_MEDIA.value
    tier: str = ""
    fee_override: str = ""
    billing_day: str | int = "1"
    report_due_day: str | int = "5"
    start_month: str = ""
    end_month: str = ""
    status: str = ClientStatus.ACTIVE.value
    notes: str = ""
    stage: str = ""
    next_action: str = ""
    next_action_on: str = ""
    objections: str = ""


DRAFT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(ClientDraft))


@dataclass(frozen=True, slots=True)
class ClientRecord:
    """A stored client, clean values, with its tier's name and fees resolved."""

    id: int
    name: str
    company: str
    decision_maker: str
    email: str
    phone: str
    service_type: str
    tier_id: int | None
    tier: str | None
    tier_fee_cents: int | None
    included_hours: int | None
    fee_override_cents: int | None
    billing_day: int
    report_due_day: int
    start_month: Month | None
    end_month: Month | None
    status: ClientStatus
    notes: str
    stage: str
    next_action: str
    next_action_on: date | None
    objections: str

    @property
    def monthly_fee_cents(self) -> int:
        """The fee in force: the override, else the tier's fee, else 0."""
        if self.fee_override_cents is not None:
            return self.fee_override_cents
        return self.tier_fee_cents or 0

    def draft(self) -> ClientDraft:
        """The record as the form shows it, ready to edit."""
        return ClientDraft(
            name=self.name,
            company=self.company,
            decision_maker=self.decision_maker,
            email=self.email,
            phone=self.phone,
            service_type=self.service_type,
            tier=self.tier or "",
            fee_override=""
            if self.fee_override_cents is None
            else decimal_string(self.fee_override_cents),
            billing_day=str(self.billing_day),
            report_due_day=str(self.report_due_day),
            start_month=str(self.start_month or ""),
            end_month=str(self.end_month or ""),
            status=self.status.value,
            notes=self.notes,
            stage=self.stage,
            next_action=self.next_action,
            next_action_on=self.next_action_on.isoformat() if self.next_action_on else "",
            objections=self.objections,
        )


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


_SELECT = """
SELECT c.id, c.name, c.company, c.decision_maker, c.email, c.phone, c.service_type,
       c.tier_id, t.name, t.monthly_fee_cents, t.included_hours, c.fee_override_cents,
       c.billing_day, c.report_due_day, c.start_month, c.end_month, c.status, c.notes,
       c.stage, c.next_action, c.next_action_on, c.objections
FROM client c LEFT JOIN tier t ON t.id = c.tier_id
"""


def _record(row: tuple) -> ClientRecord:
    (cid, name, company, dm, email, phone, service, tier_id, tier, tier_fee, included,
     override, billing, report_day, start, end, status, notes, stage, next_action,
     next_on, objections) = row  # fmt: skip
    return ClientRecord(
        id=cid,
        name=name,
        company=company,
        decision_maker=dm,
        email=email,
        phone=phone,
        service_type=service,
        tier_id=tier_id,
        tier=tier,
        tier_fee_cents=tier_fee,
        included_hours=included,
        fee_override_cents=override,
        billing_day=billing,
        report_due_day=report_day,
        start_month=Month.stored(start) if start else None,
        end_month=Month.stored(end) if end else None,
        status=ClientStatus(status),
        notes=notes,
        stage=stage,
        next_action=next_action,
        next_action_on=date.fromisoformat(next_on) if next_on else None,
        objections=objections,
    )


def get_client(db: Database, *, client_id: int) -> ClientRecord | None:
    """One client, or None when there is no such client."""
    with db.read() as conn:
        return read_client(conn, client_id)


def read_client(conn: sqlite3.Connection, client_id: int) -> ClientRecord | None:
    row = conn.execute(_SELECT + " WHERE c.id = ?", (client_id,)).fetchone()
    return _record(row) if row else None


def find_client(db: Database, *, name: str) -> ClientRecord | None:
    """A client by name, compared by name_key (NFC, case folding, white space)."""
    with db.read() as conn:
        cid = _id_named(conn, "client", name, None)
        row = None if cid is None else conn.execute(_SELECT + " WHERE c.id = ?", (cid,)).fetchone()
    return _record(row) if row else None


def _id_named(conn: sqlite3.Connection, table: str, name: str, own_id: int | None) -> int | None:
    """The id of a row (other than own_id) whose name has the same name_key, or None."""
    exclude = -1 if own_id is None else own_id
    # SQLite's NOCASE folds ASCII only and knows nothing of NFC or white space: every name
    # is compared by its key in Python (10,000 names take a few milliseconds).
    wanted = name_key(name)
    for row_id, other in conn.execute(f"SELECT id, name FROM {table} WHERE id != ?", (exclude,)):
        if name_key(other) == wanted:
            return int(row_id)
    return None


def _name_taken(conn: sqlite3.Connection, table: str, name: str, own_id: int | None) -> bool:
    """Whether another row already has this name, compared by name_key."""
    return _id_named(conn, table, name, own_id) is not None


def _tier_id(conn: sqlite3.Connection, name: str) -> int | None:
    return _id_named(conn, "tier", name, None)


def _clean(
    conn: sqlite3.Connection, draft: ClientDraft, client_id: int | None
) -> tuple[dict[str, object], dict[str, str]]:
    """Column values from a draft, and the messages of the fields that were refused."""
    values: dict[str, object] = {}
    errors: dict[str, str] = {}

    def check(field: str, column: str, read: object) -> None:
        try:
            values[column] = read()  # type: ignore[operator]
        except v.InvalidValue as exc:
            errors[field] = str(exc)

    check("name", "name", lambda: v.name(draft.name, "name"))
    if "name" not in errors and _name_taken(conn, "client", str(values["name"]), client_id):
        errors["name"] = f"a client named {values['name']!r} already exists"
    check("company", "company", lambda: v.optional_line(draft.company, "company"))
    check(
        "decision_maker",
        "decision_maker",
        lambda: v.optional_line(draft.decision_maker, "decision maker"),
    )
    check("email", "email", lambda: v.optional_line(draft.email, "email"))
    if values.get("email") and not _EMAIL_RE.match(str(values["email"])):
        errors["email"] = "email must look like name@example.com"
    check("phone", "phone", lambda: v.optional_line(draft.phone, "phone"))
    check(
        "service_type",
        "service_type",
        lambda: v.choice(draft.service_type, list(SERVICE_TYPES), "service type"),
    )
    check("status", "status", lambda: v.choice(draft.status, list(STATUSES), "status"))
    try:
        tier_name = v.optional_line(draft.tier, "tier")
        if tier_name:
            tier_id = _tier_id(conn, tier_name)
            if tier_id is None:
                raise v.InvalidValue(f"there is no tier named {tier_name!r}")
            values["tier_id"] = tier_id
        else:
            values["tier_id"] = None
    except v.InvalidValue as exc:
        errors["tier"] = str(exc)
    override = draft.fee_override.strip() if isinstance(draft.fee_override, str) else ""
    if override:
        check("fee_override", "fee_override_cents", lambda: v.money(override, "fee override"))
    else:
        values["fee_override_cents"] = None
    check("billing_day", "billing_day", lambda: v.day_of_month(draft.billing_day, "billing day"))
    check(
        "report_due_day",
        "report_due_day",
        lambda: v.day_of_month(draft.report_due_day, "report day"),
    )
    check("start_month", "start_month", lambda: v.optional_month(draft.start_month, "start month"))
    check("end_month", "end_month", lambda: v.optional_month(draft.end_month, "end month"))
    start, end = values.get("start_month"), values.get("end_month")
    if isinstance(start, Month) and isinstance(end, Month) and end < start:
        errors["end_month"] = f"end month must not be before the start month ({start})"
    if (
        values.get("status") == ClientStatus.ENDED.value
        and "end_month" not in errors
        and values.get("end_month") is None
    ):
        errors["end_month"] = "an ended client needs its last month of service (YYYY-MM)"
    check("notes", "notes", lambda: v.long_text(draft.notes, "notes"))
    check("stage", "stage", lambda: v.optional_line(draft.stage, "stage"))
    check("next_action", "next_action", lambda: v.optional_line(draft.next_action, "next action"))
    check(
        "next_action_on",
        "next_action_on",
        lambda: v.optional_date(draft.next_action_on, "next action date"),
    )
    check("objections", "objections", lambda: v.long_text(draft.objections, "objections"))
    for column in ("start_month", "end_month", "next_action_on"):
        value = values.get(column)
        if value is not None and column not in errors:
            values[column] = value.isoformat() if isinstance(value, date) else str(value)
    return values, errors


def validate_client(
    db: Database, draft: ClientDraft, *, client_id: int | None = None
) -> dict[str, str]:
    """A message per refused field (empty when the draft can be saved)."""
    with db.read() as conn:
        return _clean(conn, draft, client_id)[1]


def _same(a: object, b: object) -> bool:
    return str(a).strip() == str(b).strip()


def _merge(
    conn: sqlite3.Connection, draft: ClientDraft, base: ClientDraft, client_id: int
) -> ClientDraft:
    """The form's draft over the stored client: a field the form left as it opened takes
    the stored value (another window may have saved one since); a field changed both
    here and there is refused (EditConflict), so neither change is lost unseen."""
    stored_record = read_client(conn, client_id)
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
            conflicts[name] = (
                f"changed in another window to {shown!r} since this form opened; "
                "save again to keep yours"
            )
        merged[name] = mine
    if conflicts:
        raise EditConflict(conflicts, current=stored)
    return ClientDraft(**merged)  # type: ignore[arg-type]


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
    with db.write() as conn:
        if (
            client_id is not None
            and not conn.execute("SELECT 1 FROM client WHERE id = ?", (client_id,)).fetchone()
        ):
            raise NotFound("That client no longer exists")
        if base is not None and client_id is not None:
            draft = _merge(conn, draft, base, client_id)
        values, errors = _clean(conn, draft, client_id)
        if errors:
            raise FormInvalid(errors)
        cols = list(values)
        rec = Recorder(conn)
        try:
            if client_id is None:
                cur = conn.execute(
                    f"INSERT INTO client ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                    [values[c] for c in cols],
                )
                client_id = int(cur.lastrowid or 0)
                rec.mark_new("client", (client_id,))
                created = True
            else:
                rec.touch("client", (client_id,))
                conn.execute(
                    f"UPDATE client SET {', '.join(f'{c} = ?' for c in cols)} WHERE id = ?",
                    [*(values[c] for c in cols), client_id],
                )
                created = False
        except sqlite3.IntegrityError:
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
    with db.read() as conn:
        return _client_data(conn, client_id)


_DATA_TABLES = ("goal", "result", "hours", "payment", "report")


def _client_data(conn: sqlite3.Connection, client_id: int) -> ClientData:
    counts = {
        dep.table: conn.execute(
            f"SELECT count(*) FROM {dep.table} WHERE {dep.column} = ?", (client_id,)
        ).fetchone()[0]
        for dep in dependents(conn, "client")
    }
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
    with db.write() as conn:
        row = conn.execute("SELECT name FROM client WHERE id = ?", (client_id,)).fetchone()
        if row is None:
            raise NotFound("That client no longer exists")
        name = row[0]
        if confirm_name is not None and not same_name(confirm_name, name):
            raise FormInvalid({"confirm": f"type the client's name, {name}, to delete it"})
        data = _client_data(conn, client_id)
        rec = Recorder(conn)
        rec.touch("client", (client_id,))
        touch_dependents(rec, "client", client_id)
        conn.execute("DELETE FROM client WHERE id = ?", (client_id,))
        change = rec.finish(f"deleting {name}")
    return ClientDeleted(id=client_id, name=name, data=data, change=record(undo, change))


def archive_client(
    db: Database, *, client_id: int, today: date, undo: UndoStack | None = None
) -> ClientSaved:
    """End a client instead of deleting it: status ended, end month this month unless set."""
    with db.write() as conn:
        row = conn.execute(
            "SELECT name, start_month, end_month FROM client WHERE id = ?", (client_id,)
        ).fetchone()
        if row is None:
            raise NotFound("That client no longer exists")
        name, start, end = row
        if not end:
            end_month = Month.of(today)
            if start and Month.stored(start) > end_month:
                end_month = Month.stored(start)
            end = str(end_month)
        rec = Recorder(conn)
        rec.touch("client", (client_id,))
        conn.execute(
            "UPDATE client SET status = 'ended', end_month = ? WHERE id = ?", (end, client_id)
        )
        change = rec.finish(f"archiving {name}")
    return ClientSaved(id=client_id, name=name, created=False, change=record(undo, change))
