"""What each client-side form shows, read in one unit of work: the form's worker calls one
of these as the form opens (and again for Reload after an edit conflict), and the edit
version the save compares against is read in the same snapshot as the values shown.

SQLAlchemy is imported by the modules these call, inside their functions: the app's
start-up path imports this module and must not wait for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from retainer_tui.db.engine import Database
from retainer_tui.domain.month import Month
from retainer_tui.services.catalog import TierInfo, read_tiers
from retainer_tui.services.client_read import ClientRecord, read_client
from retainer_tui.services.edit_guard import EditVersion, read_version
from retainer_tui.services.errors import NotFound
from retainer_tui.services.goals import (
    GoalStep,
    TargetInForce,
    TierDefaults,
    goals_watch,
    read_history,
    read_targets,
    read_tier_defaults,
)
from retainer_tui.services.month_view import MetricInfo, read_metrics
from retainer_tui.services.payments import payment_watch, read_payment
from retainer_tui.services.report_marks import read_sent_on, report_watch
from retainer_tui.services.tiers import tier_watches

if TYPE_CHECKING:
    from sqlmodel import Session

CLIENT_GONE = "That client no longer exists; the dashboard was out of date"


def _client(session: Session, client_id: int) -> ClientRecord:
    record = read_client(session, client_id)
    if record is None:
        raise NotFound(CLIENT_GONE)
    return record


@dataclass(frozen=True, slots=True)
class ClientForm:
    """The tiers to pick from and, editing, the client as stored (its draft is the base
    the save merges against)."""

    tiers: tuple[TierInfo, ...]
    record: ClientRecord | None


def client_form(db: Database, *, client_id: int | None) -> ClientForm:
    """What the client form shows; NotFound when the client edited is gone."""
    with db.reading() as session:
        tiers = read_tiers(session)
        record = None if client_id is None else _client(session, client_id)
    return ClientForm(tiers, record)


@dataclass(frozen=True, slots=True)
class GoalsForm:
    """A client's goals as the goals form opens on a month."""

    client: str
    month: Month
    metrics: tuple[MetricInfo, ...]
    in_force: dict[str, TargetInForce]
    defaults: TierDefaults | None
    history: tuple[GoalStep, ...]
    version: EditVersion


def goals_form(db: Database, *, client_id: int, month: Month) -> GoalsForm:
    """The metrics, the targets in force in the month, the tier's defaults, the history
    and the version set_goals compares with, in one snapshot."""
    with db.reading() as session:
        record = _client(session, client_id)
        return GoalsForm(
            record.name,
            month,
            read_metrics(session),
            read_targets(session, client_id, month),
            read_tier_defaults(session, client_id),
            read_history(session, client_id),
            read_version(session, goals_watch(client_id)),
        )


@dataclass(frozen=True, slots=True)
class PaymentForm:
    """A client's payment for a month as the payment form opens."""

    record: ClientRecord
    existing: tuple[int, date] | None
    """(amount in cents, received on) when the month is received."""
    version: EditVersion


def payment_form(db: Database, *, client_id: int, month: Month) -> PaymentForm:
    with db.reading() as session:
        return PaymentForm(
            _client(session, client_id),
            read_payment(session, client_id, month),
            read_version(session, payment_watch(client_id, month)),
        )


@dataclass(frozen=True, slots=True)
class ReportForm:
    """A client's report mark for a month as the report form opens."""

    record: ClientRecord
    sent_on: date | None
    version: EditVersion


def report_form(db: Database, *, client_id: int, month: Month) -> ReportForm:
    with db.reading() as session:
        return ReportForm(
            _client(session, client_id),
            read_sent_on(session, client_id, month),
            read_version(session, report_watch(client_id, month)),
        )


def report_sent(db: Database, *, client_id: int, month: Month) -> date | None:
    """The sent date of another month typed in the report form."""
    with db.reading() as session:
        return read_sent_on(session, client_id, month)


@dataclass(frozen=True, slots=True)
class TierForm:
    """The metrics a tier can have default goals for and, editing, the tier as stored."""

    metrics: tuple[MetricInfo, ...]
    tier: TierInfo | None
    version: EditVersion | None


def tier_form(db: Database, *, tier_id: int | None) -> TierForm:
    """What the tier form shows; NotFound when the tier edited is gone."""
    with db.reading() as session:
        metrics = read_metrics(session)
        if tier_id is None:
            return TierForm(metrics, None, None)
        version = read_version(session, *tier_watches(tier_id))
        found = read_tiers(session, tier_id=tier_id)
    if not found:
        raise NotFound("That tier no longer exists")
    return TierForm(metrics, found[0], version)
