"""Client lifecycle facts: statuses, service types, and when a client counts in a month."""

from __future__ import annotations

from enum import StrEnum

from retainer_tui.domain.month import Month


class ClientStatus(StrEnum):
    PROSPECT = "prospect"
    TRIAL = "trial"
    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"


class ServiceType(StrEnum):
    SOCIAL_MEDIA = "social media"
    CONTENT_WRITING = "content writing"
    COPYWRITING = "copywriting"
    WEB_MAINTENANCE = "web maintenance"
    OTHER = "other"


def in_service(
    status: ClientStatus | str, start: Month | None, end: Month | None, month: Month
) -> bool:
    """Whether the client was active (or on trial) in the month, so owes results and a report.

    Active and trial clients count from their start month until their end month (if any);
    ended clients only within a known start..end span. Without a start month nothing can be
    owed, so such a client counts in no month; prospects and paused clients never count,
    since a pause keeps no history of when it began.
    """
    status = ClientStatus(status)
    if status in (ClientStatus.PROSPECT, ClientStatus.PAUSED) or start is None:
        return False
    if status is ClientStatus.ENDED and end is None:
        return False
    if month < start:
        return False
    return not (end is not None and month > end)


def first_tracked(start: Month | None, tracked_from: Month | None) -> Month | None:
    """The first month reports and payments are owed for: the tracked-from month, or the
    start month when none is set (or an earlier one is stored); None without a start month.

    A client who started long before the app was installed is tracked from the month it
    was entered, so it does not arrive with a year of "overdue" reports and unpaid months.
    """
    if start is None:
        return None
    if tracked_from is None or tracked_from < start:
        return start
    return tracked_from


def tracked_in(start: Month | None, tracked_from: Month | None, month: Month) -> bool:
    """Whether the month lies from the client's first tracked month on (see first_tracked);
    months before it owe no report and no payment, whatever the status says."""
    first = first_tracked(start, tracked_from)
    return first is not None and month >= first


def billable(
    status: ClientStatus | str, start: Month | None, end: Month | None, month: Month
) -> bool:
    """Whether a retainer payment is expected for the month (trials are paid once, apart)."""
    if ClientStatus(status) is ClientStatus.TRIAL:
        return False
    return in_service(status, start, end, month)


def on_retainer(
    status: ClientStatus | str, start: Month | None, end: Month | None, month: Month
) -> bool:
    """Whether the client's fee counts in the month's guaranteed income (and `active`).

    Active clients count from their start month on (until their end month, if any; one
    with no start month counts in every month up to its end); ended ones only within a
    known start..end span. Trials, paused clients and prospects never count.
    """
    status = ClientStatus(status)
    if status is ClientStatus.ACTIVE:
        return (start is None or start <= month) and (end is None or month <= end)
    if status is ClientStatus.ENDED:
        return start is not None and end is not None and start <= month <= end
    return False
