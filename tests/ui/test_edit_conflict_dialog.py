"""No silent overwrite, in the forms: a form opens, another person saves the same record
(a second Database on the same file or server, signed "sara"; both engines), the form's
save shows who changed what, and Reload (r), Overwrite (o) and Cancel (escape) do what
they say."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from textual.widgets import Button, Input, Label

from retainer_tui.db.engine import Database
from retainer_tui.db.migrate import open_database
from retainer_tui.domain.month import Month
from retainer_tui.services import entries as e
from retainer_tui.services import pipeline as pl
from retainer_tui.services.clients import ClientDraft, save_client
from retainer_tui.services.tiers import TierDraft, get_tier, save_tier
from retainer_tui.tui.screens.edit_conflict import EditConflictScreen
from retainer_tui.tui.screens.goals import GoalsScreen
from retainer_tui.tui.screens.payment_form import PaymentFormScreen
from retainer_tui.tui.screens.pipeline.prospect_form import ProspectFormScreen
from retainer_tui.tui.screens.report_mark import ReportMarkScreen
from retainer_tui.tui.screens.tier_form import TierFormScreen
from tests.ui.conftest import SIZE, AppMaker, settle

NOVEMBER = Month.parse("2026-11")
OCTOBER = Month.parse("2026-10")


@pytest.fixture
def rossi(db: Database) -> int:
    db.author = "anna"
    return save_client(db, draft=ClientDraft(name="Rossi Bakery", start_month="2026-01")).id


pytestmark = pytest.mark.both_engines


def _same_database(db: Database, author: str) -> Database:
    """The same database (file or server) opened again, as another app would."""
    other = open_database(db.file if db.file is not None else db.label)
    other.author = author
    return other


@pytest.fixture
def sara(db: Database) -> Iterator[Database]:
    """The same database, opened by another person."""
    other = _same_database(db, "sara")
    yield other
    other.dispose()


async def type_into(pilot, field: str, text: str) -> None:
    control = pilot.app.screen.query_one(f"#{field}", Input)
    control.focus()
    control.value = ""
    await pilot.press(*text)


def dialog_text(app) -> str:
    assert isinstance(app.screen, EditConflictScreen)
    return "\n".join(str(label.content) for label in app.screen.query(Label))


async def test_payment_changed_since_reload_takes_the_stored_values(
    db: Database, sara: Database, rossi: int, make_app: AppMaker, as_of: date
) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        form = PaymentFormScreen(db, client_id=rossi, month=NOVEMBER, today=as_of)
        app.push_screen(form)
        await settle(app, pilot)
        assert not form.query("#unmark")
        e.mark_payment(
            sara, client_id=rossi, month=NOVEMBER, today=as_of, received_on="2026-11-03",
            amount="900",
        )  # fmt: skip
        await type_into(pilot, "amount", "1000")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        text = dialog_text(app)
        assert "sara changed, since you opened this form:" in text
        assert "amount (blank → 900.00)" in text
        assert "received on (blank → 2026-11-03)" in text
        assert e.payment_for(db, client_id=rossi, month=NOVEMBER) == (90000, date(2026, 11, 3))
        await pilot.press("r")
        await settle(app, pilot)
        assert app.screen is form
        assert form.query_one("#amount", Input).value == "900.00"
        assert form.query_one("#received_on", Input).value == "2026-11-03"
        assert form.query_one("#unmark", Button)  # it is received now: it can be unmarked
        assert e.payment_for(db, client_id=rossi, month=NOVEMBER) == (90000, date(2026, 11, 3))
        # Saved again after the reload, it is no conflict: a second instalment.
        await type_into(pilot, "amount", "100")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, PaymentFormScreen | EditConflictScreen)
        assert e.payment_for(db, client_id=rossi, month=NOVEMBER)[0] == 100000  # type: ignore[index]


async def test_payment_cancel_keeps_the_edit_and_overwrite_saves_it(
    db: Database, sara: Database, rossi: int, make_app: AppMaker, as_of: date
) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        form = PaymentFormScreen(db, client_id=rossi, month=NOVEMBER, today=as_of)
        app.push_screen(form)
        await settle(app, pilot)
        e.mark_payment(sara, client_id=rossi, month=NOVEMBER, today=as_of, amount="900")
        await type_into(pilot, "amount", "1000")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, EditConflictScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is form
        assert form.query_one("#amount", Input).value == "1000"
        assert e.payment_for(db, client_id=rossi, month=NOVEMBER)[0] == 90000  # type: ignore[index]
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, EditConflictScreen)  # still changed since it opened
        await pilot.press("o")
        await settle(app, pilot)
        assert not isinstance(app.screen, PaymentFormScreen | EditConflictScreen)
        # Overwrite saves what the form says: its instalment is recorded too.
        assert e.payment_for(db, client_id=rossi, month=NOVEMBER)[0] == 190000  # type: ignore[index]


async def test_tier_changed_since_overwrite_and_reload(
    db: Database, sara: Database, rossi: int, make_app: AppMaker
) -> None:
    tid = save_tier(db, draft=TierDraft(name="Growth", monthly_fee="1500")).id
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        form = TierFormScreen(db, tier=get_tier(db, tier_id=tid))
        app.push_screen(form)
        await settle(app, pilot)
        save_tier(sara, draft=TierDraft(name="Growth", monthly_fee="1800"), tier_id=tid)
        await type_into(pilot, "description", "For shops")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "sara changed monthly fee (1500.00 → 1800.00) since you opened this form." in (
            dialog_text(app)
        )
        await pilot.press("r")
        await settle(app, pilot)
        assert app.screen is form
        assert form.query_one("#monthly_fee", Input).value == "1800.00"
        assert form.query_one("#description", Input).value == ""  # reload takes every field
        save_tier(sara, draft=TierDraft(name="Growth", monthly_fee="2000"), tier_id=tid)
        await type_into(pilot, "description", "For shops")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "(1800.00 → 2000.00)" in dialog_text(app)
        await pilot.press("o")
        await settle(app, pilot)
        assert not isinstance(app.screen, TierFormScreen | EditConflictScreen)
    tier = get_tier(db, tier_id=tid)
    assert tier is not None and (tier.description, tier.monthly_fee_cents) == ("For shops", 180000)


async def test_goals_changed_since_show_the_dialog_and_overwrite(
    db: Database, sara: Database, rossi: int, make_app: AppMaker
) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(GoalsScreen(db, client_id=rossi, month=NOVEMBER))
        await settle(app, pilot)
        e.set_goals(sara, client_id=rossi, month=NOVEMBER, targets={"posts_shared": "30"})
        await type_into(pilot, "target-posts_shared", "50")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "sara changed target posts_shared/2026-11 (blank → 30)" in dialog_text(app)
        assert e.targets_in_force(db, client_id=rossi, month=NOVEMBER)["posts_shared"].target == 30
        await pilot.press("o")
        await settle(app, pilot)
        assert not isinstance(app.screen, GoalsScreen | EditConflictScreen)
    assert e.targets_in_force(db, client_id=rossi, month=NOVEMBER)["posts_shared"].target == 50


async def test_goals_reload_shows_the_target_in_force_now(
    db: Database, sara: Database, rossi: int, make_app: AppMaker
) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        form = GoalsScreen(db, client_id=rossi, month=NOVEMBER)
        app.push_screen(form)
        await settle(app, pilot)
        e.set_goals(sara, client_id=rossi, month=NOVEMBER, targets={"posts_shared": "30"})
        await type_into(pilot, "target-posts_shared", "50")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        assert app.screen is form
        assert "30" in str(form.query_one("#now-posts_shared", Label).content)
        assert form.query_one("#target-posts_shared", Input).value == ""
    assert e.targets_in_force(db, client_id=rossi, month=NOVEMBER)["posts_shared"].target == 30


async def test_prospect_changed_since_reload_takes_the_stored_email(
    db: Database, sara: Database, make_app: AppMaker, as_of: date
) -> None:
    cid = pl.save_prospect(db, draft=pl.ProspectDraft(name="Verdi Studio"), today=as_of).client_id
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        form = ProspectFormScreen(db, today=as_of, client_id=cid)
        app.push_screen(form)
        await settle(app, pilot)
        from dataclasses import replace

        theirs = replace(pl.prospect_draft(pl.get_prospect(db, client_id=cid)), email="a@verdi.it")
        pl.save_prospect(sara, draft=theirs, today=as_of, client_id=cid)
        await type_into(pilot, "email", "b@verdi.it")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "sara changed email (blank → a@verdi.it) since you opened this form." in (
            dialog_text(app)
        )
        await pilot.press("r")
        await settle(app, pilot)
        assert app.screen is form
        assert form.query_one("#email", Input).value == "a@verdi.it"
    assert pl.get_prospect(db, client_id=cid).email == "a@verdi.it"


async def test_report_mark_changed_since_overwrite(
    db: Database, sara: Database, rossi: int, make_app: AppMaker, as_of: date
) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(ReportMarkScreen(db, client_id=rossi, month=OCTOBER, today=as_of))
        await settle(app, pilot)
        e.mark_report_sent(sara, client_id=rossi, month=OCTOBER, today=as_of, sent_on="2026-11-04")
        await type_into(pilot, "sent_on", "2026-11-06")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "sara changed sent on (blank → 2026-11-04)" in dialog_text(app)
        await pilot.press("o")
        await settle(app, pilot)
        assert not isinstance(app.screen, ReportMarkScreen | EditConflictScreen)
    assert e.report_sent_on(db, client_id=rossi, month=OCTOBER) == date(2026, 11, 6)


async def test_same_person_in_another_window_is_named_so(
    db: Database, rossi: int, make_app: AppMaker, as_of: date
) -> None:
    window = _same_database(db, db.author)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(ReportMarkScreen(db, client_id=rossi, month=OCTOBER, today=as_of))
        await settle(app, pilot)
        e.mark_report_sent(window, client_id=rossi, month=OCTOBER, today=as_of)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Another window changed sent on" in dialog_text(app)


async def test_two_apps_on_one_file_the_second_save_is_told(
    db: Database, sara: Database, rossi: int, make_app: AppMaker, as_of: date
) -> None:
    """Anna's and Sara's apps on one database file, each with the payment form open."""
    anna_app, sara_app = make_app(db), make_app(sara)
    async with anna_app.run_test(size=SIZE) as anna, sara_app.run_test(size=SIZE) as other:
        await settle(anna_app, anna)
        await settle(sara_app, other)
        anna_form = PaymentFormScreen(db, client_id=rossi, month=NOVEMBER, today=as_of)
        sara_form = PaymentFormScreen(sara, client_id=rossi, month=NOVEMBER, today=as_of)
        # Each pushed from its own app's task: two apps share this event loop, and a
        # screen's messages run in the context it was started from (its `app`).
        anna_app.call_later(anna_app.push_screen, anna_form)
        sara_app.call_later(sara_app.push_screen, sara_form)
        await settle(anna_app, anna)
        await settle(sara_app, other)
        await type_into(other, "amount", "700")
        await other.press("ctrl+s")
        await settle(sara_app, other)
        assert not isinstance(sara_app.screen, PaymentFormScreen | EditConflictScreen)
        await type_into(anna, "amount", "800")
        await anna.press("ctrl+s")
        await settle(anna_app, anna)
        assert "amount (blank → 700.00)" in dialog_text(anna_app)
        assert "sara changed" in dialog_text(anna_app)
        await anna.press("r")
        await settle(anna_app, anna)
        assert anna_form.query_one("#amount", Input).value == "700.00"
    assert e.payment_for(db, client_id=rossi, month=NOVEMBER)[0] == 70000  # type: ignore[index]


async def test_tier_conflict_comes_before_the_fee_question(
    db: Database, sara: Database, make_app: AppMaker
) -> None:
    from retainer_tui.tui.screens.confirm import ChoiceScreen

    tid = save_tier(db, draft=TierDraft(name="Growth", monthly_fee="1500")).id
    save_client(db, draft=ClientDraft(name="Bianchi", tier="Growth", start_month="2026-01"))
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        form = TierFormScreen(db, tier=get_tier(db, tier_id=tid))
        app.push_screen(form)
        await settle(app, pilot)
        save_tier(sara, draft=TierDraft(name="Growth", monthly_fee="1800"), tier_id=tid)
        await type_into(pilot, "monthly_fee", "2000")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "monthly fee (1500.00 → 1800.00)" in dialog_text(app)
        await pilot.press("o")
        await settle(app, pilot)
        # Overwriting a fee the client pays still asks whether the client follows it.
        assert isinstance(app.screen, ChoiceScreen)
        assert not isinstance(app.screen, EditConflictScreen)
        await pilot.press("f")
        await settle(app, pilot)
        assert not isinstance(app.screen, TierFormScreen | ChoiceScreen)
    tier = get_tier(db, tier_id=tid)
    assert tier is not None and tier.monthly_fee_cents == 200000


async def test_discovery_notes_changed_since_reload(
    db: Database, sara: Database, make_app: AppMaker, as_of: date
) -> None:
    from textual.widgets import TextArea

    from retainer_tui.tui.screens.pipeline.prospect_form import DiscoveryFormScreen

    cid = pl.save_prospect(db, draft=pl.ProspectDraft(name="Verdi Studio"), today=as_of).client_id
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        form = DiscoveryFormScreen(db, client_id=cid)
        app.push_screen(form)
        await settle(app, pilot)
        pl.save_discovery(sara, client_id=cid, draft=pl.DiscoveryDraft(workload="Four a week"))
        await pilot.press(*"Two a week")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "sara changed workload (blank → Four a week)" in dialog_text(app)
        await pilot.press("r")
        await settle(app, pilot)
        assert app.screen is form
        assert form.query_one("#workload", TextArea).text == "Four a week"
    assert pl.get_prospect(db, client_id=cid).workload == "Four a week"
