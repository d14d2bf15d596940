"""The client page's history agrees with the dashboard's month view, month by month."""

from __future__ import annotations

from datetime import date

import pytest

from retainer_tui.db.engine import Database
from retainer_tui.domain.goals import target_in_force, targets_over
from retainer_tui.domain.month import Month
from retainer_tui.domain.payments import PaymentState
from retainer_tui.domain.reports import ReportState
from retainer_tui.domain.status import MetricStatus
from retainer_tui.services.client_detail import load_client_detail
from retainer_tui.services.month_view import load_month
from tests.factories import add_client, mark_paid, mark_sent, set_goal, set_result

pytestmark = pytest.mark.both_engines

AS_OF = date(2026, 11, 20)


def test_target_in_force_carries_forward_and_never_rewrites_the_past() -> None:
    changes = [(Month(2026, 3), 100), (Month(2026, 1), 50), (Month(2026, 6), 0)]
    assert target_in_force(changes, Month(2025, 12)) is None
    assert target_in_force(changes, Month(2026, 1)) == 50
    assert target_in_force(changes, Month(2026, 2)) == 50
    assert target_in_force(changes, Month(2026, 5)) == 100
    assert target_in_force(changes, Month(2026, 7)) == 0
    assert targets_over(changes, [Month(2026, 2), Month(2026, 4)]) == [50, 100]


def test_unknown_client_is_none(db: Database) -> None:
    assert load_client_detail(db, client_id=999, as_of=AS_OF) is None


def test_window_is_twelve_months_ending_this_month(db: Database) -> None:
    cid = add_client(db, "Rossi Bakery", start="2025-06")
    detail = load_client_detail(db, client_id=cid, as_of=AS_OF)
    assert detail is not None
    assert [str(m.month) for m in (detail.months[0], detail.months[-1])] == ["2025-12", "2026-11"]
    assert len(detail.months) == 12


def test_the_window_starts_no_earlier_than_the_client(db: Database) -> None:
    """No empty months from before the client started, in the table or the sparklines."""
    cid = add_client(db, "Rossi Bakery", start="2026-04")
    detail = load_client_detail(db, client_id=cid, as_of=AS_OF)
    assert detail is not None
    assert [str(m.month) for m in detail.months] == [f"2026-{m:02d}" for m in range(4, 12)]
    assert all(m.in_service for m in detail.months)
    later = add_client(db, "Starts Next Year", start="2027-02")
    upcoming = load_client_detail(db, client_id=later, as_of=AS_OF)
    assert upcoming is not None
    assert [str(m.month) for m in upcoming.months] == ["2026-11"]  # the month shown
    assert upcoming.months[0].report is ReportState.NOT_APPLICABLE
    assert detail.monthly_fee_cents == 3_000_00
    assert detail.tier is not None and detail.tier.included_hours == 20
    assert "Content creation" in detail.tier.services


def test_history_follows_the_rules(db: Database) -> None:
    cid = add_client(db, "Rossi Bakery", start="2026-09", fee_cents=2_000_00)
    set_goal(db, cid, "new_followers", "2026-09", 400)
    set_goal(db, cid, "new_followers", "2026-11", 500)
    set_goal(db, cid, "posts_shared", "2026-10", 30)
    set_result(db, cid, "new_followers", "2026-09", 450)
    set_result(db, cid, "new_followers", "2026-10", 100)
    set_result(db, cid, "new_followers", "2026-11", 50)
    mark_paid(db, cid, "2026-09", 2_000_00, "2026-09-01")
    mark_sent(db, cid, "2026-09", "2026-10-03")
    detail = load_client_detail(db, client_id=cid, as_of=AS_OF, months=3)
    assert detail is not None
    assert [m.key for m in detail.metrics] == ["new_followers", "posts_shared"]
    sep, oct_, nov = detail.months
    assert sep.cell("new_followers").status is MetricStatus.MET
    assert sep.cell("posts_shared").target is None  # not set until October
    assert sep.month_status is MetricStatus.MET
    assert oct_.cell("new_followers").target == 400  # carried forward
    assert oct_.cell("new_followers").status is MetricStatus.MISSED
    assert oct_.cell("posts_shared").status is MetricStatus.MISSING
    assert oct_.month_status is MetricStatus.MISSED
    assert nov.cell("new_followers").target == 500
    assert nov.cell("new_followers").status is MetricStatus.BEHIND
    assert sep.payment is PaymentState.RECEIVED and sep.payment_amount_cents == 2_000_00
    assert oct_.payment is PaymentState.LATE
    assert sep.report is ReportState.SENT and sep.report_sent_on == date(2026, 10, 3)
    assert oct_.report is ReportState.OVERDUE
    assert nov.report is ReportState.NOT_DUE
    assert detail.reports_owed == (Month(2026, 10),)
    assert detail.series("new_followers") == [450, 100, 50]


@pytest.mark.parametrize("offset", [0, -1, -2, -5])
def test_every_month_agrees_with_the_month_view(sample_db: Database, offset: int) -> None:
    month = Month.of(AS_OF).plus(offset)
    view = load_month(sample_db, month=month, as_of=AS_OF)
    for client in view.clients:
        detail = load_client_detail(sample_db, client_id=client.id, as_of=AS_OF)
        assert detail is not None
        if detail.start is not None and month < detail.start:
            assert all(m.month >= detail.start for m in detail.months), client.name
            continue
        row = next(m for m in detail.months if m.month == month)
        assert row.month_status is client.month_status, client.name
        assert row.report is client.report, client.name
        assert row.payment is client.payment, client.name
        assert row.hours_x100 == client.hours_x100
        assert detail.reports_owed == client.reports_owed, client.name
        assert detail.monthly_fee_cents == client.monthly_fee_cents
        for cell in client.metrics:
            mine = row.cell(cell.metric)
            assert mine is not None
            assert (mine.target, mine.actual, mine.status) == (
                cell.target,
                cell.actual,
                cell.status,
            )
        tracked = {c.metric for c in row.cells if c.status is not None}
        assert tracked == {c.metric for c in client.metrics}
