"""The data-entry screens as the app's feature factories (see tui/app.py SCREEN_FACTORIES).

Each factory takes the app's ScreenRequest (db, settings, today, month, client_id).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.screen import Screen

import retainer_tui.tui.entry_keys  # noqa: F401  (registers the screens' keys for help)

if TYPE_CHECKING:
    from retainer_tui.tui.app import ScreenRequest


def new_client(request: ScreenRequest) -> Screen[Any]:
    from retainer_tui.tui.screens.client_form import ClientFormScreen

    return ClientFormScreen(
        request.db,
        today=request.today,
        currency=request.currency,
        default_report_day=request.settings.default_report_due_day,
    )


def edit_client(request: ScreenRequest) -> Screen[Any]:
    from retainer_tui.tui.screens.client_form import ClientFormScreen

    return ClientFormScreen(
        request.db,
        today=request.today,
        client_id=request.client_id,
        currency=request.currency,
    )


def results(request: ScreenRequest) -> Screen[Any]:
    from retainer_tui.tui.screens.results_grid import ResultsGridScreen

    return ResultsGridScreen(
        request.db,
        month=request.month,
        today=request.today,
        tolerance=request.settings.tolerance,
        client_id=request.client_id,
    )


def goals(request: ScreenRequest) -> Screen[Any]:
    from retainer_tui.tui.screens.goals import GoalsScreen

    assert request.client_id is not None
    return GoalsScreen(request.db, client_id=request.client_id, month=request.month)


def tiers(request: ScreenRequest) -> Screen[Any]:
    from retainer_tui.tui.screens.tiers import TiersScreen

    return TiersScreen(request.db, currency=request.currency)


def payment(request: ScreenRequest) -> Screen[Any]:
    from retainer_tui.tui.screens.payment_form import PaymentFormScreen

    assert request.client_id is not None
    return PaymentFormScreen(
        request.db,
        client_id=request.client_id,
        month=request.month,
        today=request.today,
        currency=request.currency,
    )


def report_mark(request: ScreenRequest) -> Screen[Any]:
    from retainer_tui.tui.screens.report_mark import ReportMarkScreen

    assert request.client_id is not None
    return ReportMarkScreen(
        request.db, client_id=request.client_id, month=request.month, today=request.today
    )


# Feature key -> (factory, the name the app's "not available" toast uses).
ENTRY_FEATURES: dict[str, str] = {"payment": "Payments", "report_mark": "Report marks"}

ENTRY_SCREENS = {
    "results": results,
    "goals": goals,
    "tiers": tiers,
    "payment": payment,
    "report_mark": report_mark,
    "new_client": new_client,
    "edit_client": edit_client,
}
