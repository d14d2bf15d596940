"""Report state for a client and month."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from retainer_tui.domain.month import Month


class ReportState(StrEnum):
    NOT_DUE = "not_due"
    DUE = "due"
    OVERDUE = "overdue"
    SENT = "sent"
    NOT_APPLICABLE = "not_applicable"


def report_due_date(month: Month, report_due_day: int) -> date:
    """The report for month M is due by report_due_day of M+1."""
    return month.next().day(report_due_day)


def report_state(
    month: Month,
    as_of: date,
    *,
    report_due_day: int,
    sent_on: date | None,
    applicable: bool = True,
) -> ReportState:
    """not_due until M ends; sent once marked; overdue after the due day of M+1; else due."""
    if not applicable:
        return ReportState.NOT_APPLICABLE
    if sent_on is not None:
        return ReportState.SENT
    if as_of <= month.last_day:
        return ReportState.NOT_DUE
    if as_of > report_due_date(month, report_due_day):
        return ReportState.OVERDUE
    return ReportState.DUE


def is_owed(state: ReportState) -> bool:
    return state in (ReportState.DUE, ReportState.OVERDUE)
