"""Tracked from: reports and payments are owed only from a client's tracked-from month
(default its start month), on the dashboard, the client page and the reports queue."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from retainer_tui.db.engine import Database
from retainer_tui.domain.clients import first_tracked, tracked_in
from retainer_tui.domain.month import Month
from retainer_tui.domain.payments import PaymentState
from retainer_tui.domain.reports import ReportState
from retainer_tui.services.client_detail import load_client_detail
from retainer_tui.services.month_view import load_month
from retainer_tui.services.reports_queue import report_queue
from tests.factories import add_client

AS_OF = date(2026, 12, 4)
months = st.builds(Month.from_index, st.integers(Month(2020, 1).index, Month(2030, 12).index))


def test_first_tracked_is_the_later_of_start_and_tracked_from() -> None:
    jan, dec = Month(2026, 1), Month(2026, 12)
    assert first_tracked(jan, None) == jan
    assert first_tracked(jan, dec) == dec
    assert first_tracked(dec, jan) == dec  # a stored month before the start changes nothing
    assert first_tracked(None, dec) is None
    assert tracked_in(jan, dec, Month(2026, 11)) is False
    assert tracked_in(jan, dec, dec) is True
    assert tracked_in(jan, None, jan) is True
    assert tracked_in(None, None, jan) is False


@given(start=months, tracked=st.none() | months, month=months)
def test_tracked_in_is_from_the_first_tracked_month_on(
    start: Month, tracked: Month | None, month: Month
) -> None:
    first = first_tracked(start, tracked)
    assert first is not None and first >= start
    assert first == (start if tracked is None else max(start, tracked))
    assert tracked_in(start, tracked, month) is (month >= first)


def test_client_entered_in_december_owes_nothing_before_it(db: Database) -> None:
    """The issue's case: started in January, added in December, tracked from December."""
    new = add_client(db, "Rossi Bakery", fee_cents=2_000_00, tracked_from="2026-12")
    old = add_client(db, "Bianchi Gym", fee_cents=2_000_00)
    view = load_month(db, month=Month(2026, 12), as_of=AS_OF)
    rows = {c.id: c for c in view.clients}
    assert rows[new].tracked_from == Month(2026, 12)
    assert (rows[new].reports_owed, rows[new].payments_owed) == ((), ())
    assert rows[new].payment is PaymentState.EXPECTED  # December's fee is due, not late
    assert len(rows[old].reports_owed) == 11
    assert rows[old].tracked_from == Month(2026, 1)
    assert view.counts["reports_overdue"] == 1
    assert view.counts["payments_owed"] == 1
    # Earlier months need no report and no payment from it; it is still in service.
    march = {c.id: c for c in load_month(db, month=Month(2026, 3), as_of=AS_OF).clients}
    assert march[new].in_service
    assert march[new].report is ReportState.NOT_APPLICABLE
    assert march[new].payment is PaymentState.NOT_APPLICABLE
    assert march[old].report is ReportState.OVERDUE
    assert [i.client for i in report_queue(db, as_of=AS_OF)] == ["Bianchi Gym"] * 11


def test_client_page_lists_owed_months_from_the_tracked_month(db: Database) -> None:
    cid = add_client(db, "Rossi Bakery", fee_cents=2_000_00, tracked_from="2026-10")
    detail = load_client_detail(db, client_id=cid, as_of=AS_OF)
    assert detail is not None
    assert detail.tracked_from == Month(2026, 10)
    assert detail.reports_owed == (Month(2026, 10), Month(2026, 11))
    assert [m for m, _ in detail.payments_owed] == [Month(2026, 10), Month(2026, 11)]
    by_month = {m.month: m for m in detail.months}
    assert by_month[Month(2026, 9)].report is ReportState.NOT_APPLICABLE
    assert by_month[Month(2026, 9)].payment is PaymentState.NOT_APPLICABLE
    assert by_month[Month(2026, 9)].payment_owed_cents == 0
    assert by_month[Month(2026, 10)].payment is PaymentState.LATE
    # The client page agrees with the month view.
    row = next(c for c in load_month(db, month=Month(2026, 12), as_of=AS_OF).clients)
    assert row.reports_owed == detail.reports_owed
    assert row.payments_owed == detail.payments_owed
