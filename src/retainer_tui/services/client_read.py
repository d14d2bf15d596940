"""Reading clients: the stored record (its tier's name and fees resolved), the form's draft
of it, one client by id or by name.

SQLAlchemy and the table classes are imported where a statement is built, not at the top:
the app imports this module on its start-up path, and its first frame must not wait.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

from retainer_tui.db.engine import Database
from retainer_tui.domain.clients import ClientStatus, ServiceType
from retainer_tui.domain.money import decimal_string
from retainer_tui.domain.month import Month
from retainer_tui.services.catalog import id_named

if TYPE_CHECKING:
    from sqlalchemy import Select
    from sqlmodel import Session

    from retainer_tui.db.statements import RawConnection


@dataclass(frozen=True, slots=True)
class ClientDraft:
    """A client as typed in the form: text as typed (or clean values from code).

    `tier` is a tier name ("" for none); `fee_override` "" means the tier's fee;
    `tracked_from` "" means the start month (reports and payments owed from it).
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
    tracked_from: str = ""
    status: str = ClientStatus.ACTIVE.value
    notes: str = ""
    stage: str = ""
    next_action: str = ""
    next_action_on: str = ""
    objections: str = ""


DRAFT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(ClientDraft))


@dataclass(frozen=True, slots=True)
class ClientContact:
    """A stored client's id and contact, as each read model of it (the form's record, the
    client page, a prospect) begins."""

    id: int
    name: str
    company: str
    decision_maker: str
    email: str
    phone: str
    service_type: str


CONTACT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(ClientContact))


def contact_columns() -> list[Any]:
    """The client table's columns of ClientContact's fields, in their order: a read
    selects them first and contact_of(row) gives them back by name."""
    from sqlmodel import col

    from retainer_tui.db.models import Client

    return [col(getattr(Client, name)) for name in CONTACT_FIELDS]


def contact_of(row: Sequence[Any]) -> tuple[dict[str, Any], Sequence[Any]]:
    """The ClientContact fields of a row that selected contact_columns() first, and the
    row's other values."""
    return dict(zip(CONTACT_FIELDS, row, strict=False)), row[len(CONTACT_FIELDS) :]


@dataclass(frozen=True, slots=True)
class ClientRecord(ClientContact):
    """A stored client, clean values, with its tier's name and fees resolved."""

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
    tracked_from: Month | None = None
    """As stored: None means the start month (domain.clients.first_tracked)."""

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
            tracked_from=str(self.tracked_from or ""),
            status=self.status.value,
            notes=self.notes,
            stage=self.stage,
            next_action=self.next_action,
            next_action_on=self.next_action_on.isoformat() if self.next_action_on else "",
            objections=self.objections,
        )


@cache
def _select() -> Select[*tuple[Any, ...]]:
    """A client's columns with its tier's name and fees, in _record's order."""
    from sqlalchemy import select
    from sqlmodel import col

    from retainer_tui.db.models import Client as C
    from retainer_tui.db.models import Tier as T

    columns = (
        *contact_columns(), C.tier_id, T.name, T.monthly_fee_cents, T.included_hours,
        C.fee_override_cents, C.billing_day, C.report_due_day, C.start_month, C.end_month,
        C.status, C.notes, C.stage, C.next_action, C.next_action_on, C.objections,
        C.tracked_from,
    )  # fmt: skip
    return select(*map(col, columns)).outerjoin(T, col(T.id) == col(C.tier_id))


def _record(row: Any) -> ClientRecord:
    contact, rest = contact_of(row)
    (tier_id, tier, tier_fee, included, override, billing, report_day, start, end, status,
     notes, stage, next_action, next_on, objections, tracked) = rest  # fmt: skip
    return ClientRecord(
        **contact,
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
        next_action_on=next_on,  # the column's type gives a date (or None)
        objections=objections,
        tracked_from=Month.stored(tracked) if tracked else None,
    )


def get_client(db: Database, *, client_id: int) -> ClientRecord | None:
    """One client, or None when there is no such client."""
    with db.reading() as session:
        return read_client(session, client_id)


def read_client(conn: Session | RawConnection, client_id: int) -> ClientRecord | None:
    """One client inside the caller's unit of work (a Session or a db.read() connection)."""
    from sqlmodel import col

    from retainer_tui.db.models import Client
    from retainer_tui.db.statements import session_of

    row = session_of(conn).execute(_select().where(col(Client.id) == client_id)).first()
    return _record(row) if row else None


def find_client(db: Database, *, name: str) -> ClientRecord | None:
    """A client by name, compared by name_key (NFC, case folding, white space)."""
    with db.reading() as session:
        cid = id_named(session, "client", name, None)
        return None if cid is None else read_client(session, cid)
