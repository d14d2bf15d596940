"""Round three's hostile values pasted into the app's forms (not only fed to the
validators): each gets a message at its field, the form stays open with what was
pasted, and the database is unchanged."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Label

from retainer_tui.db.engine import Database
from retainer_tui.services.clients import ClientDraft, save_client
from retainer_tui.tui.screens.client_form import ClientFormScreen
from retainer_tui.tui.screens.payment_form import PaymentFormScreen
from tests.trust import tally
from tests.trust.helpers import read_tables
from tests.ui.conftest import SIZE, AppMaker, settle

CLIENT_FORM: list[tuple[str, str]] = [
    ("name", "\u0301\u0302\u0303"), ("name", " \u0301 "), ("name", "x" * 100_000),
    ("name", "Rossi\u202e"), ("name", "A\x00B"), ("name", "\u3000\u3000"),
    ("name", "\x1b]0;pwned\x07"), ("name", "\x1b[2J"), ("name", "\u200b\u2060"),
    ("fee_override", "１２"), ("fee_override", "1e400"), ("fee_override", "9" * 5000),
    ("fee_override", "NaN"), ("fee_override", "+12"), ("fee_override", "-inf"),
    ("billing_day", "١٢"), ("billing_day", "1e400"), ("billing_day", "9" * 5000),
    ("start_month", "+2026-01"), ("start_month", "２０２６-０１"), ("start_month", "2026-00"),
    ("start_month", "1989-12"), ("start_month", "2100-01"), ("start_month", "2026-1"),
    ("email", "a@b\x00.example"), ("email", "anna@\x1b[2J.example"),
]  # fmt: skip
PAYMENT_FORM: list[tuple[str, str]] = [
    ("amount", "-0"), ("amount", "0"), ("amount", "١٠٠"), ("amount", "1e400"),
    ("amount", "NaN"), ("amount", "9" * 5000), ("received_on", "2026-02-30"),
    ("received_on", "+2026-01-01"), ("received_on", "２０２６-０１-０１"),
]  # fmt: skip


@pytest.fixture
def rossi(db: Database) -> int:
    return save_client(
        db,
        draft=ClientDraft(name="Rossi Bakery", tier="Tier 1", start_month="2026-01"),
    ).id


async def paste_and_save(app, pilot, field: str, value: str) -> str:
    """Paste the value over the field, ctrl+s, and return the message at the field."""
    control = app.screen.query_one(f"#{field}", Input)
    control.focus()
    control.value = value
    await pilot.press("ctrl+s")
    await settle(app, pilot)
    label = app.screen.query_one(f"#error-{field}", Label)
    return str(label.content) if label.display else ""


async def run_cases(
    app, pilot, db: Database, form: type, cases: list[tuple[str, str]], good: dict[str, str]
) -> None:
    before = read_tables(db.path)
    for field, value in cases:
        tally.tried()
        message = await paste_and_save(app, pilot, field, value)
        case = f"{form.__name__}.{field} = {value[:40]!r}"
        assert isinstance(app.screen, form), f"{case}: the form closed"
        assert message and "\n" not in message, f"{case}: message {message!r}"
        assert "\x1b" not in message and "\x00" not in message, f"{case}: shown raw"
        assert app.screen.query_one(f"#{field}", Input).value == value, f"{case}: paste lost"
        assert read_tables(db.path) == before, f"{case}: something was written"
        app.screen.query_one(f"#{field}", Input).value = good[field]


async def test_the_client_form_refuses_each_hostile_value(
    db: Database, rossi: int, make_app: AppMaker
) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, ClientFormScreen)
        good = {
            "name": "Verdi Wines",
            "fee_override": "",
            "billing_day": "1",
            "start_month": "2026-11",
            "email": "",
        }
        for field, value in good.items():
            app.screen.query_one(f"#{field}", Input).value = value
        await run_cases(app, pilot, db, ClientFormScreen, CLIENT_FORM, good)


async def test_the_payment_form_refuses_each_hostile_value(
    db: Database, rossi: int, make_app: AppMaker
) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("p")
        await settle(app, pilot)
        assert isinstance(app.screen, PaymentFormScreen)
        good = {"amount": "2000", "received_on": "2026-11-20"}
        await run_cases(app, pilot, db, PaymentFormScreen, PAYMENT_FORM, good)
