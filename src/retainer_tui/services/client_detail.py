"""One client's page: contact, tier, and month by month targets vs actuals, hours, payments
and reports over a window of months, with the same rules as the dashboard (domain/).

Statements are built from the tables in db/models.py; SQLAlchemy is imported inside the
functions (the app imports this module before its first frame).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from retainer_tui.db.engine import Database
from retainer_tui.domain.catalogue import TierDef
from retainer_tui.domain.clients import ClientStatus, billable, first_tracked, in_service
from retainer_tui.domain.goals import is_tracked, target_in_force
from retainer_tui.domain.hours import over_included
from retainer_tui.domain.income import effective_fee
from retainer_tui.domain.month import Month, months_between
from retainer_tui.domain.payments import PaymentState, owed_months, payment_state, still_owed
from retainer_tui.domain.reports import ReportState, is_owed, report_state
from retainer_tui.domain.status import MetricStatus, metric_status, worst_status
from retainer_tui.services.client_read import ClientContact, contact_columns, contact_of
from retainer_tui.services.month_view import MetricInfo, read_currency, read_metrics

if TYPE_CHECKING:
    from sqlmodel import Session

    from retainer_tui.services.change_log import LogEntry

# How many of the latest changes the client page lists.
LAST_CHANGES = 5


@dataclass(frozen=True, slots=True)
class HistoryCell:
    """A metric in a month; target None (or status None) when it was not tracked then."""

    metric: str
    target: int | None
    actual: int | None
    status: MetricStatus | None


@dataclass(frozen=True, slots=True)
class HistoryMonth:
    month: Month
    in_service: bool
    month_status: MetricStatus
    cells: tuple[HistoryCell, ...]
    hours_x100: int | None
    included_hours: int | None
    payment: PaymentState
    payment_amount_cents: int | None
    payment_received_on: date | None
    payment_owed_cents: int
    """What is still to pay of the month's fee (0 when none is expected)."""
    report: ReportState
    report_sent_on: date | None

    @property
    def over_hours(self) -> bool:
        return over_included(self.hours_x100, self.included_hours)

    def cell(self, metric: str) -> HistoryCell | None:
        return next((c for c in self.cells if c.metric == metric), None)


@dataclass(frozen=True, slots=True)
class ClientDetail(ClientContact):
    status: ClientStatus
    tier: TierDef | None
    monthly_fee_cents: int
    fee_override_cents: int | None
    billing_day: int
    report_due_day: int
    start: Month | None
    end: Month | None
    notes: str
    stage: str
    next_action: str
    next_action_on: date | None
    objections: str
    currency: str
    as_of: date
    metrics: tuple[MetricInfo, ...]
    months: tuple[HistoryMonth, ...]
    reports_owed: tuple[Month, ...]
    payments_owed: tuple[tuple[Month, int], ...] = ()
    """(month, cents still owed) for every month past its grace, oldest first."""
    tracked_from: Month | None = None
    """The first month reports and payments are owed for (domain.clients.first_tracked)."""
    changes: tuple[LogEntry, ...] = ()
    """The latest changes to the client and its months, newest first, and who made them."""

    @property
    def total_owed_cents(self) -> int:
        return sum(cents for _, cents in self.payments_owed)

    def series(self, metric: str) -> list[int | None]:
        """The metric's actuals month by month (None where nothing was entered)."""
        return [cell.actual if (cell := m.cell(metric)) else None for m in self.months]


def _client_row(session: Session, client_id: int) -> Any:
    """The client's columns and its tier's (None where it has no tier), or None."""
    from sqlalchemy import select
    from sqlmodel import col

    from retainer_tui.db.models import Client, Tier

    return session.execute(
        select(
            *contact_columns(),
            col(Client.status),
            col(Client.fee_override_cents),
            col(Client.billing_day),
            col(Client.report_due_day),
            col(Client.start_month),
            col(Client.end_month),
            col(Client.notes),
            col(Client.stage),
            col(Client.next_action),
            col(Client.next_action_on),
            col(Client.objections),
            col(Tier.name),
            col(Tier.monthly_fee_cents),
            col(Tier.included_hours),
            col(Tier.services),
            col(Tier.description),
            col(Client.tracked_from),
        )
        .outerjoin(Tier, col(Tier.id) == col(Client.tier_id))
        .where(col(Client.id) == client_id)
    ).first()


def _month_or_none(text: str | None) -> Month | None:
    return Month.stored(text) if text else None


def _tier(row: Any) -> TierDef | None:
    name, fee, included, services, description = row[18:23]
    if name is None:
        return None
    # The JSON column gives the list; text only from a database read some other way.
    listed = tuple(json.loads(services)) if isinstance(services, str) else tuple(services or ())
    return TierDef(name, fee, included, listed, description or "")


def _owed(
    status: ClientStatus,
    start: Month | None,
    end: Month | None,
    tracked: Month | None,
    report_due_day: int,
    sent: set[str],
    as_of: date,
) -> tuple[Month, ...]:
    """Ended, unsent months of service from the first tracked month up to the as-of date,
    oldest first (month_view's rule)."""
    if start is None or tracked is None:
        return ()
    last_ended = Month.of(as_of).previous()
    return tuple(
        m
        for m in months_between(tracked, last_ended if end is None else min(end, last_ended))
        if in_service(status, start, end, m)
        and str(m) not in sent
        and is_owed(report_state(m, as_of, report_due_day=report_due_day, sent_on=None))
    )


def load_client_detail(
    db: Database,
    *,
    client_id: int,
    as_of: date,
    months: int = 12,
    last_month: Month | None = None,
    tolerance: float = 0.2,
    grace_days: int = 7,
) -> ClientDetail | None:
    """The client's page for the `months` months ending at last_month (default: as-of month);
    None when there is no such client (deleted elsewhere)."""
    last = last_month or Month.of(as_of)
    with db.reading() as session:
        return _load(
            session,
            client_id=client_id,
            as_of=as_of,
            window=months_between(last.plus(1 - max(months, 1)), last),
            tolerance=Fraction(str(tolerance)),
            grace_days=grace_days,
        )


def _load(
    session: Session,
    *,
    client_id: int,
    as_of: date,
    window: list[Month],
    tolerance: Fraction,
    grace_days: int,
) -> ClientDetail | None:
    from sqlalchemy import select
    from sqlmodel import col

    from retainer_tui.db.models import Goal, Hours, Payment, Report, Result

    row = _client_row(session, client_id)
    if row is None:
        return None
    start_month = _month_or_none(row[11])
    if start_month is not None and start_month > window[0]:
        # No empty months from before the client started (nor in the sparklines).
        window = [m for m in window if m >= start_month] or [window[-1]]
    first, last = str(window[0]), str(window[-1])
    goals: dict[str, list[tuple[Month, int]]] = {}
    for key, month, target in session.execute(
        select(col(Goal.metric_key), col(Goal.month), col(Goal.target)).where(
            col(Goal.client_id) == client_id, col(Goal.month) <= last
        )
    ):
        goals.setdefault(key, []).append((Month.stored(month), target))
    actuals = {
        (key, month): actual
        for key, month, actual in session.execute(
            select(col(Result.metric_key), col(Result.month), col(Result.actual)).where(
                col(Result.client_id) == client_id, col(Result.month).between(first, last)
            )
        )
    }
    hours: dict[str, int] = {
        month: x100
        for month, x100 in session.execute(
            select(col(Hours.month), col(Hours.hours_x100)).where(
                col(Hours.client_id) == client_id, col(Hours.month).between(first, last)
            )
        )
    }
    # Every payment, not only the window's: months owed reach back to the first owed one.
    # received_on and sent_on come back as dates through their Date columns.
    payments: dict[str, tuple[int, date]] = {
        month: (amount, received)
        for month, amount, received in session.execute(
            select(col(Payment.month), col(Payment.amount_cents), col(Payment.received_on)).where(
                col(Payment.client_id) == client_id
            )
        )
    }
    reports: dict[str, date] = {
        month: sent
        for month, sent in session.execute(
            select(col(Report.month), col(Report.sent_on)).where(
                col(Report.client_id) == client_id, col(Report.sent_on).is_not(None)
            )
        )
    }
    catalogue = read_metrics(session)
    currency = read_currency(session)

    status = ClientStatus(row[7])
    start, end = _month_or_none(row[11]), _month_or_none(row[12])
    first_owed = first_tracked(start, _month_or_none(row[23]))
    billing_day, report_due_day = row[9], row[10]
    tier = _tier(row)
    fee = effective_fee(tier.monthly_fee_cents if tier else None, row[8])
    targets = {key: [target_in_force(changes, m) for m in window] for key, changes in goals.items()}
    metrics = tuple(m for m in catalogue if any(is_tracked(t) for t in targets.get(m.key, ())))

    history: list[HistoryMonth] = []
    for index, month in enumerate(window):
        serving = in_service(status, start, end, month)
        cells: list[HistoryCell] = []
        for info in metrics:
            target = targets[info.key][index]
            actual = actuals.get((info.key, str(month)))
            tracked = serving and is_tracked(target)
            cells.append(
                HistoryCell(
                    info.key,
                    target if tracked else None,
                    actual,
                    metric_status(target, actual, month, as_of, tolerance)
                    if tracked and target is not None
                    else None,
                )
            )
        paid = payments.get(str(month))
        sent_on = reports.get(str(month))
        received_on = paid[1] if paid else None
        # Before the first tracked month no payment and no report is owed.
        counted = first_owed is not None and month >= first_owed
        billed = billable(status, start, end, month) and counted
        received_cents = paid[0] if paid else 0
        history.append(
            HistoryMonth(
                month=month,
                in_service=serving,
                month_status=worst_status(c.status for c in cells if c.status is not None),
                cells=tuple(cells),
                hours_x100=hours.get(str(month)),
                included_hours=tier.included_hours if tier else None,
                payment=payment_state(
                    month,
                    as_of,
                    billing_day=billing_day,
                    received_cents=received_cents,
                    fee_cents=fee,
                    applicable=billed,
                    grace_days=grace_days,
                ),
                payment_amount_cents=paid[0] if paid else None,
                payment_received_on=received_on,
                payment_owed_cents=still_owed(fee, received_cents) if billed else 0,
                report=report_state(
                    month,
                    as_of,
                    report_due_day=report_due_day,
                    sent_on=sent_on,
                    applicable=serving and counted,
                ),
                report_sent_on=sent_on,
            )
        )

    from retainer_tui.services.change_log import log_entries

    fee_override = row[8]
    return ClientDetail(
        **contact_of(row)[0],
        status=status,
        tier=tier,
        monthly_fee_cents=fee,
        fee_override_cents=fee_override,
        billing_day=billing_day,
        report_due_day=report_due_day,
        start=start,
        end=end,
        notes=row[13] or "",
        stage=row[14] or "",
        next_action=row[15] or "",
        next_action_on=row[16],
        objections=row[17] or "",
        currency=currency,
        as_of=as_of,
        metrics=metrics,
        months=tuple(history),
        reports_owed=_owed(status, start, end, first_owed, report_due_day, set(reports), as_of),
        tracked_from=first_owed,
        changes=tuple(log_entries(session, client_id=client_id, limit=LAST_CHANGES)),
        payments_owed=owed_months(
            first_owed,
            as_of,
            fee_cents=fee,
            billing_day=billing_day,
            received={Month.stored(m): amount for m, (amount, _) in payments.items()},
            billable_in=lambda m: billable(status, start, end, m),
            grace_days=grace_days,
        ),
    )
