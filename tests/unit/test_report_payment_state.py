"""Report and payment state for a client and month, and when a client counts in a month."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retainer_tui.domain.clients import ClientStatus, ServiceType, billable, in_service
from retainer_tui.domain.month import Month
from retainer_tui.domain.payments import (
    DEFAULT_GRACE_DAYS,
    PaymentState,
    payment_due_date,
    payment_state,
)
from retainer_tui.domain.reports import ReportState, is_owed, report_due_date, report_state

R = ReportState
P = PaymentState
NOV = Month(2026, 11)
DEC = Month(2026, 12)
PROPS = settings(max_examples=200, deadline=None)


def d(text: str) -> date:
    return date.fromisoformat(text)


# --- reports ------------------------------------------------------------------------------------

# (month, as_of, report_due_day, sent_on, applicable, expected)
REPORT_TABLE = [
    pytest.param(NOV, d("2026-10-15"), 5, None, True, R.NOT_DUE, id="before-the-month"),
    pytest.param(NOV, d("2026-11-01"), 5, None, True, R.NOT_DUE, id="first-day-of-M"),
    pytest.param(NOV, d("2026-11-05"), 5, None, True, R.NOT_DUE, id="due-day-inside-M"),
    pytest.param(NOV, d("2026-11-30"), 5, None, True, R.NOT_DUE, id="last-day-of-M"),
    pytest.param(NOV, d("2026-12-01"), 5, None, True, R.DUE, id="first-of-M+1-due"),
    pytest.param(NOV, d("2026-12-04"), 5, None, True, R.DUE, id="before-due-day"),
    pytest.param(NOV, d("2026-12-05"), 5, None, True, R.DUE, id="due-day-inclusive"),
    pytest.param(NOV, d("2026-12-06"), 5, None, True, R.OVERDUE, id="day-after-due-day"),
    pytest.param(NOV, d("2027-05-01"), 5, None, True, R.OVERDUE, id="months-later"),
    pytest.param(NOV, d("2026-12-01"), 1, None, True, R.DUE, id="due-day-1-on-the-1st"),
    pytest.param(NOV, d("2026-12-02"), 1, None, True, R.OVERDUE, id="due-day-1-on-the-2nd"),
    pytest.param(NOV, d("2026-12-28"), 28, None, True, R.DUE, id="due-day-28"),
    pytest.param(NOV, d("2026-12-29"), 28, None, True, R.OVERDUE, id="due-day-28-after"),
    # December: the report is due in January of the next year
    pytest.param(DEC, d("2026-12-31"), 5, None, True, R.NOT_DUE, id="dec-new-years-eve"),
    pytest.param(DEC, d("2027-01-01"), 5, None, True, R.DUE, id="dec-new-years-day"),
    pytest.param(DEC, d("2027-01-05"), 5, None, True, R.DUE, id="dec-due-jan-5th"),
    pytest.param(DEC, d("2027-01-06"), 5, None, True, R.OVERDUE, id="dec-overdue-jan-6th"),
    # sent wins, whenever it was sent
    pytest.param(NOV, d("2026-12-03"), 5, d("2026-12-02"), True, R.SENT, id="sent-while-due"),
    pytest.param(NOV, d("2027-02-01"), 5, d("2027-01-20"), True, R.SENT, id="sent-late"),
    pytest.param(NOV, d("2026-11-30"), 5, d("2026-11-30"), True, R.SENT, id="sent-before-M-ends"),
    # not applicable wins over everything
    pytest.param(NOV, d("2027-02-01"), 5, None, False, R.NOT_APPLICABLE, id="na-long-after"),
    pytest.param(NOV, d("2026-12-02"), 5, d("2026-12-01"), False, R.NOT_APPLICABLE, id="na-sent"),
    pytest.param(NOV, d("2026-11-10"), 5, None, False, R.NOT_APPLICABLE, id="na-open-month"),
]


@pytest.mark.parametrize(
    ("month", "as_of", "due_day", "sent_on", "applicable", "expected"), REPORT_TABLE
)
def test_report_state_table(
    month: Month,
    as_of: date,
    due_day: int,
    sent_on: date | None,
    applicable: bool,
    expected: ReportState,
) -> None:
    state = report_state(
        month, as_of, report_due_day=due_day, sent_on=sent_on, applicable=applicable
    )
    assert state is expected


@pytest.mark.parametrize(
    ("month", "due_day", "expected"),
    [
        pytest.param(NOV, 5, d("2026-12-05"), id="november-5"),
        pytest.param(DEC, 5, d("2027-01-05"), id="december-into-next-year"),
        pytest.param(Month(2027, 1), 28, d("2027-02-28"), id="january-28-in-february"),
        pytest.param(Month(2027, 1), 31, d("2027-02-28"), id="clamped-common-february"),
        pytest.param(Month(2028, 1), 31, d("2028-02-29"), id="clamped-leap-february"),
    ],
)
def test_report_due_date(month: Month, due_day: int, expected: date) -> None:
    assert report_due_date(month, due_day) == expected


def test_applicable_defaults_to_true() -> None:
    assert report_state(NOV, d("2026-12-01"), report_due_day=5, sent_on=None) is R.DUE


@pytest.mark.parametrize("state", list(ReportState), ids=str)
def test_is_owed_is_due_or_overdue(state: ReportState) -> None:
    assert is_owed(state) is (state in {R.DUE, R.OVERDUE})


@PROPS
@given(
    st.builds(Month, st.integers(2000, 2100), st.integers(1, 12)),
    st.integers(1, 28),
    st.integers(-60, 120),
)
def test_report_state_follows_the_calendar(month: Month, due_day: int, offset: int) -> None:
    """not_due through the last day of M, due up to the due day of M+1, overdue after."""
    as_of = month.last_day + timedelta(days=offset)
    state = report_state(month, as_of, report_due_day=due_day, sent_on=None)
    due_on = date(month.next().year, month.next().month, due_day)
    if as_of <= month.last_day:
        assert state is R.NOT_DUE
    elif as_of <= due_on:
        assert state is R.DUE
    else:
        assert state is R.OVERDUE


@PROPS
@given(
    st.builds(Month, st.integers(2000, 2100), st.integers(1, 12)),
    st.integers(1, 28),
    st.lists(st.integers(-60, 120), min_size=2, max_size=6),
)
def test_report_state_only_moves_forward(month: Month, due_day: int, offsets: list[int]) -> None:
    order = [R.NOT_DUE, R.DUE, R.OVERDUE]
    states = [
        report_state(
            month, month.last_day + timedelta(days=o), report_due_day=due_day, sent_on=None
        )
        for o in sorted(offsets)
    ]
    ranks = [order.index(s) for s in states]
    assert ranks == sorted(ranks)


# --- payments -----------------------------------------------------------------------------------

FEE = 2_000_00

# (month, as_of, billing_day, received cents, applicable, grace, expected); the fee is FEE
PAYMENT_TABLE = [
    pytest.param(NOV, d("2026-10-25"), 1, 0, True, 7, P.EXPECTED, id="before-the-month"),
    pytest.param(NOV, d("2026-11-01"), 1, 0, True, 7, P.EXPECTED, id="on-billing-day"),
    pytest.param(NOV, d("2026-11-08"), 1, 0, True, 7, P.EXPECTED, id="last-day-of-grace"),
    pytest.param(NOV, d("2026-11-09"), 1, 0, True, 7, P.LATE, id="day-after-grace"),
    pytest.param(NOV, d("2027-03-01"), 1, 0, True, 7, P.LATE, id="months-later"),
    pytest.param(NOV, d("2026-11-22"), 15, 0, True, 7, P.EXPECTED, id="billing-15-grace-end"),
    pytest.param(NOV, d("2026-11-23"), 15, 0, True, 7, P.LATE, id="billing-15-late"),
    pytest.param(NOV, d("2026-11-01"), 1, 0, True, 0, P.EXPECTED, id="no-grace-same-day"),
    pytest.param(NOV, d("2026-11-02"), 1, 0, True, 0, P.LATE, id="no-grace-next-day"),
    pytest.param(NOV, d("2026-12-07"), 31, 0, True, 7, P.EXPECTED, id="day-31-clamped-to-30"),
    pytest.param(NOV, d("2026-12-08"), 31, 0, True, 7, P.LATE, id="day-31-clamped-late"),
    pytest.param(DEC, d("2027-01-04"), 28, 0, True, 7, P.EXPECTED, id="grace-into-new-year"),
    pytest.param(DEC, d("2027-01-05"), 28, 0, True, 7, P.LATE, id="late-in-new-year"),
    pytest.param(NOV, d("2027-03-01"), 1, FEE, True, 7, P.RECEIVED, id="received-late"),
    pytest.param(NOV, d("2026-10-20"), 1, FEE, True, 7, P.RECEIVED, id="paid-ahead"),
    pytest.param(NOV, d("2027-03-01"), 1, 0, False, 7, P.NOT_APPLICABLE, id="na-not-billable"),
    pytest.param(NOV, d("2026-11-02"), 1, FEE, False, 7, P.NOT_APPLICABLE, id="na-paid"),
    # --- partial: something received, less than the fee, whatever the date
    pytest.param(NOV, d("2026-11-02"), 1, FEE - 1, True, 7, P.PARTIAL, id="one-cent-short"),
    pytest.param(NOV, d("2026-11-02"), 1, 1, True, 7, P.PARTIAL, id="one-cent-paid"),
    pytest.param(NOV, d("2027-03-01"), 1, 1_000_00, True, 7, P.PARTIAL, id="partial-past-grace"),
    pytest.param(NOV, d("2026-10-20"), 1, 1_000_00, True, 7, P.PARTIAL, id="partial-ahead"),
    pytest.param(NOV, d("2026-11-09"), 1, FEE + 1, True, 7, P.RECEIVED, id="overpaid"),
    pytest.param(NOV, d("2026-11-09"), 1, FEE, True, 7, P.RECEIVED, id="exactly-the-fee"),
    pytest.param(NOV, d("2026-11-09"), 1, 1, False, 7, P.NOT_APPLICABLE, id="na-partial"),
]


@pytest.mark.parametrize(
    ("month", "as_of", "billing_day", "received", "applicable", "grace", "expected"),
    PAYMENT_TABLE,
)
def test_payment_state_table(
    month: Month,
    as_of: date,
    billing_day: int,
    received: int,
    applicable: bool,
    grace: int,
    expected: PaymentState,
) -> None:
    state = payment_state(
        month,
        as_of,
        billing_day=billing_day,
        received_cents=received,
        fee_cents=FEE,
        applicable=applicable,
        grace_days=grace,
    )
    assert state is expected


def test_payment_grace_defaults_to_seven_days() -> None:
    assert DEFAULT_GRACE_DAYS == 7
    nothing = {"billing_day": 1, "received_cents": 0, "fee_cents": FEE}
    assert payment_state(NOV, d("2026-11-08"), **nothing) is P.EXPECTED
    assert payment_state(NOV, d("2026-11-09"), **nothing) is P.LATE


@pytest.mark.parametrize(
    ("month", "billing_day", "expected"),
    [
        pytest.param(NOV, 1, d("2026-11-01"), id="the-1st"),
        pytest.param(NOV, 28, d("2026-11-28"), id="the-28th"),
        pytest.param(Month(2027, 2), 30, d("2027-02-28"), id="clamped-common-february"),
        pytest.param(Month(2028, 2), 30, d("2028-02-29"), id="clamped-leap-february"),
    ],
)
def test_payment_due_date_is_in_the_month_itself(
    month: Month, billing_day: int, expected: date
) -> None:
    assert payment_due_date(month, billing_day) == expected


# --- when a client counts in a month ------------------------------------------------------------

M = NOV
BEFORE, SAME, AFTER = Month(2026, 1), NOV, Month(2027, 3)
STARTS = {"start-unset": None, "start-before": BEFORE, "start-same": SAME, "start-after": AFTER}
ENDS = {"end-unset": None, "end-before": Month(2026, 10), "end-same": SAME, "end-after": AFTER}

# Readable rows first; the exhaustive product below checks every combination.
IN_SERVICE_TABLE = [
    pytest.param("active", None, None, False, id="active-without-start-never"),
    pytest.param("active", BEFORE, None, True, id="active-started-before"),
    pytest.param("active", SAME, None, True, id="active-starts-this-month"),
    pytest.param("active", AFTER, None, False, id="active-starts-later"),
    pytest.param("active", BEFORE, SAME, True, id="active-ends-this-month"),
    pytest.param("active", BEFORE, Month(2026, 10), False, id="active-ended-last-month"),
    pytest.param("trial", SAME, SAME, True, id="trial-this-month"),
    pytest.param("trial", None, None, False, id="trial-without-start-never"),
    pytest.param("ended", BEFORE, SAME, True, id="ended-within-span"),
    pytest.param("ended", None, AFTER, False, id="ended-no-start-never"),
    pytest.param("ended", BEFORE, Month(2026, 10), False, id="ended-after-its-end"),
    pytest.param("ended", BEFORE, None, False, id="ended-without-end-month"),
    pytest.param("paused", BEFORE, None, False, id="paused-never"),
    pytest.param("paused", None, None, False, id="paused-unbounded-never"),
    pytest.param("prospect", None, None, False, id="prospect-never"),
    pytest.param("prospect", BEFORE, AFTER, False, id="prospect-with-dates-never"),
]


@pytest.mark.parametrize(("status", "start", "end", "expected"), IN_SERVICE_TABLE)
def test_in_service_table(
    status: str, start: Month | None, end: Month | None, expected: bool
) -> None:
    assert in_service(status, start, end, M) is expected
    assert in_service(ClientStatus(status), start, end, M) is expected


def _combinations():
    for status, (sname, start), (ename, end) in itertools.product(
        ClientStatus, STARTS.items(), ENDS.items()
    ):
        yield pytest.param(status, start, end, id=f"{status.value}-{sname}-{ename}")


@pytest.mark.parametrize(("status", "start", "end"), list(_combinations()))
def test_in_service_and_billable_every_combination(
    status: ClientStatus, start: Month | None, end: Month | None
) -> None:
    within = start is not None and start <= M and (end is None or end >= M)
    if status in (ClientStatus.ACTIVE, ClientStatus.TRIAL):
        expected = within
    elif status is ClientStatus.ENDED:
        expected = within and end is not None
    else:  # prospect, paused
        expected = False
    assert in_service(status, start, end, M) is expected
    # A retainer is billed when in service, except for a trial (paid once, apart).
    assert billable(status, start, end, M) is (expected and status is not ClientStatus.TRIAL)


def test_unknown_client_status_is_refused() -> None:
    with pytest.raises(ValueError):
        in_service("archived", None, None, M)
    with pytest.raises(ValueError):
        billable("archived", None, None, M)


def test_client_enums_hold_the_products_values() -> None:
    assert [s.value for s in ClientStatus] == ["prospect", "trial", "active", "paused", "ended"]
    assert [s.value for s in ServiceType] == [
        "social media",
        "content writing",
        "copywriting",
        "web maintenance",
        "other",
    ]
