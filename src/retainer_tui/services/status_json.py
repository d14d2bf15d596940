"""The `retainer status` object (PRODUCT.md "retainer status --json") and its table form."""

from __future__ import annotations

from typing import Any

from retainer_tui.domain.money import decimal_string
from retainer_tui.services.month_view import ClientMonth, MetricCell, MonthView


def _number(value: Any) -> int | float:
    """A Fraction as an int when whole, else a float rounded to two places."""
    if value.denominator == 1:
        return int(value)
    return round(float(value), 2)


def _metric(cell: MetricCell) -> dict[str, Any]:
    return {
        "metric": cell.metric,
        "target": cell.target,
        "actual": cell.actual,
        "expected_by_now": _number(cell.expected_by_now),
        "status": str(cell.status),
    }


def _client(client: ClientMonth) -> dict[str, Any]:
    return {
        "name": client.name,
        "status": str(client.status),
        "tier": client.tier,
        "monthly_fee": decimal_string(client.monthly_fee_cents),
        "month_status": str(client.month_status),
        "needs_attention": client.needs_attention,
        "report": str(client.report),
        "reports_owed": [str(m) for m in client.reports_owed],
        "payment": str(client.payment),
        "payments_owed": [
            {"month": str(m), "owed": decimal_string(cents)} for m, cents in client.payments_owed
        ],
        # The month reports and payments are owed from: the start month unless a later
        # tracked-from month is set (null for a client with no start month).
        "tracked_from": str(client.tracked_from) if client.tracked_from else None,
        "metrics": [_metric(cell) for cell in client.metrics],
    }


def status_object(view: MonthView) -> dict[str, Any]:
    """The JSON object, keys exactly as the contract names them."""
    return {
        "month": str(view.month),
        "as_of": view.as_of.isoformat(),
        "currency": view.currency,
        "guaranteed_monthly_income": decimal_string(view.guaranteed_monthly_income_cents),
        "counts": {
            key: view.counts[key]
            for key in (
                "clients",
                "active",
                "needs_attention",
                "reports_due",
                "reports_overdue",
                "payments_late",
                "payments_owed",
            )
        },
        "total_owed": decimal_string(view.total_owed_cents),
        "clients": [_client(c) for c in view.clients],
    }
