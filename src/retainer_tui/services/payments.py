"""Payments: money received for a month's retainer (in instalments), unmarked, read back.

Like every entry module it imports SQLAlchemy inside its functions (services.entries).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from retainer_tui.db.engine import Database
from retainer_tui.domain import validation as v
from retainer_tui.domain.money import format_money
from retainer_tui.domain.month import Month
from retainer_tui.services.edit_guard import (
    EditVersion,
    Watch,
    check_unchanged,
    opened,
    watch,
)
from retainer_tui.services.entry_common import block_session as _session
from retainer_tui.services.entry_common import month_row_write
from retainer_tui.services.entry_common import not_future as _not_future
from retainer_tui.services.entry_common import read_month as _month
from retainer_tui.services.errors import FormInvalid, NotFound
from retainer_tui.services.undo import Change, Recorder, UndoStack, record

if TYPE_CHECKING:
    from sqlmodel import Session


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
    expected: EditVersion | None = None,
) -> PaymentSaved:
    """Record money received for the month's retainer: date defaults to today, amount to
    what is still owed of the fee. A second instalment is added to the month's amount.

    `expected` is the month's payment as the form opened it (payment_version): changed
    since, EditConflict and nothing written."""
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
    with db.writing() as conn:
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
        check_unchanged(conn, expected)
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
    db: Database,
    *,
    client_id: int,
    month: Month | str,
    undo: UndoStack | None = None,
    expected: EditVersion | None = None,
) -> PaymentSaved:
    """The month's retainer was not received after all."""
    from sqlalchemy import delete
    from sqlmodel import col

    from retainer_tui.db.models import Payment

    m = _month(month)
    with month_row_write(db, "payment", client_id, m, expected) as (session, name, rec):
        session.execute(
            delete(Payment).where(col(Payment.client_id) == client_id, col(Payment.month) == str(m))
        )
        change = rec.finish(f"unmarking {name}'s {m.short_label()} payment")
    return PaymentSaved(client_id, m, None, None, record(undo, change))


def payment_for(db: Database, *, client_id: int, month: Month | str) -> tuple[int, date] | None:
    """(amount in cents, received date) when the month's retainer was received."""
    with db.reading() as session:
        return read_payment(session, client_id, _month(month))


def read_payment(session: Session, client_id: int, month: Month) -> tuple[int, date] | None:
    """payment_for() inside the caller's unit of work."""
    from sqlalchemy import select
    from sqlmodel import col

    from retainer_tui.db.models import Payment

    row = session.execute(
        select(col(Payment.amount_cents), col(Payment.received_on)).where(
            col(Payment.client_id) == client_id, col(Payment.month) == str(month)
        )
    ).first()
    return (int(row[0]), row[1]) if row else None


def payment_watch(client_id: int, month: Month) -> Watch:
    """The rows the payment form edits: the month's payment."""
    return watch("payment", client_id=client_id, month=str(month))


def payment_version(db: Database, *, client_id: int, month: Month | str) -> EditVersion:
    """The month's payment as a form opens it, for mark_payment(expected=)."""
    return opened(db, payment_watch(client_id, _month(month)))
