"""The pipeline screens, driven with keys only: from the first call to an active client
through a proposal and a paid trial, with the database and the dashboard checked each step."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from textual.widgets import Input, Select, TextArea

from retainer_tui.db.engine import Database
from retainer_tui.domain.pipeline import Stage
from retainer_tui.services import pipeline as pl
from retainer_tui.tui.app import RetainerApp
from retainer_tui.tui.screens.confirm import ChoiceScreen
from retainer_tui.tui.screens.help import HelpScreen
from retainer_tui.tui.screens.pipeline.board import PipelineScreen
from retainer_tui.tui.screens.pipeline.objections import ObjectionsScreen
from retainer_tui.tui.screens.pipeline.proposal import ProposalScreen
from retainer_tui.tui.screens.pipeline.prospect_form import DiscoveryFormScreen, ProspectFormScreen
from retainer_tui.tui.screens.pipeline.stage_forms import (
    LostFormScreen,
    RetainFormScreen,
    TrialFormScreen,
)
from tests.factories import add_client
from tests.raw import raw
from tests.trust.helpers import screen_text
from tests.ui.conftest import SIZE, AppMaker, settle

TODAY = date(2026, 11, 20)


async def type_text(pilot, text: str) -> None:
    """Type as a user does, one key at a time."""
    names = {" ": "space", "-": "minus", ",": "comma", ".": "full_stop", "@": "at"}
    await pilot.press(*(names.get(ch, ch) for ch in text))


def client_row(db: Database, name: str) -> dict:
    with raw(db) as conn:
        cur = conn.execute("SELECT * FROM client WHERE name = ?", (name,))
        names = [d[0] for d in cur.description]
        row = cur.fetchone()
    assert row is not None, f"no client {name}"
    return dict(zip(names, map(_text, row), strict=True))


def _text(value: Any) -> Any:
    """Dates as SQLite holds them (ISO text); PostgreSQL gives date objects."""
    return value.isoformat() if isinstance(value, date) else value


def prospect_row(db: Database, client_id: int) -> dict:
    with raw(db) as conn:
        cur = conn.execute("SELECT * FROM prospect WHERE client_id = ?", (client_id,))
        names = [d[0] for d in cur.description]
        return dict(zip(names, map(_text, cur.fetchone()), strict=True))


def as_json(stored: Any) -> Any:
    """A JSON column's value: the text SQLite holds, decoded; PostgreSQL's driver decodes."""
    return json.loads(stored) if isinstance(stored, str) else stored


def tier_id(db: Database, name: str) -> int:
    with raw(db) as conn:
        return conn.execute("SELECT id FROM tier WHERE name = ?", (name,)).fetchone()[0]


def dashboard_income(app: RetainerApp) -> tuple[int, str]:
    """The dashboard's guaranteed monthly income: the loaded figure and the text shown."""
    view = app.dashboard.view
    assert view is not None
    shown = str(app.dashboard.query_one("#income").render())
    return view.guaranteed_monthly_income_cents, shown


# The flow on PostgreSQL too (the module's other tests would add minutes there).
@pytest.mark.both_engines
async def test_from_the_first_call_to_an_active_client_with_keys_only(
    db: Database, make_app: AppMaker
) -> None:
    add_client(db, "Bianchi Gym", tier="Tier 1")  # $3,000 guaranteed already
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert dashboard_income(app) == (300_000, "Guaranteed $3,000/mo")

        # P: the pipeline, empty.
        await pilot.press("P")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, PipelineScreen)
        assert screen.view is not None and screen.view.prospects == ()

        # n: a new prospect, the call with the decision maker scheduled.
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, ProspectFormScreen)
        await type_text(pilot, "Rossi Bakery")
        await pilot.press("tab")
        await type_text(pilot, "Rossi Srl")
        await pilot.press("tab")
        await type_text(pilot, "Anna Rossi")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        row = client_row(db, "Rossi Bakery")
        cid = row["id"]
        assert (row["status"], row["stage"], row["decision_maker"]) == (
            "prospect",
            "call scheduled",
            "Anna Rossi",
        )
        assert row["next_action"] == "Call the decision maker"
        assert dashboard_income(app) == (300_000, "Guaranteed $3,000/mo")
        assert screen.table.highlighted().id == cid

        # d: discovery notes, with monthly targets.
        await pilot.press("d")
        await settle(app, pilot)
        assert isinstance(app.screen, DiscoveryFormScreen)
        await type_text(pilot, "Daily posts and a monthly campaign")
        await pilot.press("tab")
        await type_text(pilot, "Open a second shop")
        await pilot.press("tab")
        await type_text(pilot, "500")  # new followers
        await pilot.press("tab", "tab")
        await type_text(pilot, "10")  # conversions
        await pilot.press("tab", "tab", "tab")
        await type_text(pilot, "SEO blog posts")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        notes = prospect_row(db, cid)
        assert notes["workload"] == "Daily posts and a monthly campaign"
        assert notes["goals"] == "Open a second shop"
        targets = as_json(notes["targets"])
        assert list(targets.items()) == [("new_followers", 500), ("conversions", 10)]
        assert as_json(notes["extra_services"]) == ["SEO blog posts"]

        # ]: needs discovered.
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        assert client_row(db, "Rossi Bakery")["stage"] == "needs discovered"
        assert dashboard_income(app)[0] == 300_000

        # p: the proposal; recommend Tier 2 instead of the top tier, then mark it sent.
        await pilot.press("p")
        await settle(app, pilot)
        proposal = app.screen
        assert isinstance(proposal, ProposalScreen)
        body = proposal.query_one("#proposal-body", TextArea)
        assert "Tier 3 — $10,000 a month (recommended)" in body.text
        await pilot.press("shift+tab", "shift+tab")  # body -> subject -> recommended tier
        assert isinstance(app.focused, Select)
        await pilot.press("enter", "up", "enter")
        await settle(app, pilot)
        assert "Tier 2 — $5,000 a month (recommended)" in body.text
        assert "Tier 3 — $10,000 a month\n" in body.text
        await pilot.press("f9")
        await settle(app, pilot)
        row = client_row(db, "Rossi Bakery")
        sent = prospect_row(db, cid)
        assert row["stage"] == "proposal sent"
        assert sent["proposal_sent_on"] == TODAY.isoformat()
        assert sent["recommended_tier_id"] == tier_id(db, "Tier 2")
        assert sent["proposal_subject"] == "Three retainer options for Rossi Srl"
        assert "I recommend Tier 2." in sent["proposal_body"]
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is screen
        assert dashboard_income(app)[0] == 300_000
        figures = screen.view.figures
        assert figures.stage(Stage.PROPOSAL_SENT).value_cents == 500_000
        assert figures.guaranteed_if_all_sign_cents == 800_000

        # ]: the client confirmed the recommended tier; ]: contract sent.
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        assert client_row(db, "Rossi Bakery")["stage"] == "tier chosen"
        assert prospect_row(db, cid)["chosen_tier_id"] == tier_id(db, "Tier 2")
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        assert client_row(db, "Rossi Bakery")["stage"] == "contract sent"

        # ]: the paid trial needs its details, so its form opens; the fee is all to type.
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        assert isinstance(app.screen, TrialFormScreen)
        criteria = app.screen.query_one("#criteria", TextArea).text
        assert criteria == (
            "- At least 500 new followers a month\n- At least 10 conversions a month"
        )
        await type_text(pilot, "1500")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        row = client_row(db, "Rossi Bakery")
        trial = prospect_row(db, cid)
        assert (row["status"], row["stage"], row["start_month"]) == (
            "trial",
            "paid trial",
            "2026-11",
        )
        assert (trial["trial_fee_cents"], trial["trial_start"], trial["trial_end"]) == (
            150_000,
            "2026-11-20",
            "2026-12-19",
        )
        with raw(db) as conn:
            goals = conn.execute(
                "SELECT metric_key, month, target FROM goal WHERE client_id = ? ORDER BY 1",
                (cid,),
            ).fetchall()
        assert goals == [("conversions", "2026-11", 10), ("new_followers", "2026-11", 500)]
        assert dashboard_income(app) == (300_000, "Guaranteed $3,000/mo")

        # r: retain on the chosen tier from the month after the trial; the month shown keeps
        # its income (the client counts from January).
        await pilot.press("r")
        await settle(app, pilot)
        assert isinstance(app.screen, RetainFormScreen)
        assert app.screen.query_one("#start_month", Input).value == "2027-01"
        assert "$3,000 → $8,000" in str(app.screen.query_one("#retain-income").render())
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        row = client_row(db, "Rossi Bakery")
        assert (row["status"], row["stage"], row["tier_id"], row["start_month"]) == (
            "active",
            "retained",
            tier_id(db, "Tier 2"),
            "2027-01",
        )
        assert prospect_row(db, cid)["trial_outcome"] == "retained"
        assert dashboard_income(app) == (300_000, "Guaranteed $3,000/mo")
        assert screen.view.figures.trial_conversion == 1
        assert screen.table.highlighted().stage is Stage.RETAINED

        # Back on the dashboard, the new client is there, on Tier 2.
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is app.dashboard
        client = next(c for c in app.dashboard.view.clients if c.name == "Rossi Bakery")
        assert (client.tier, client.monthly_fee_cents) == ("Tier 2", 500_000)


def _seed(db: Database) -> dict[str, int]:
    """Three prospects at different stages, one of them overdue."""
    add_client(db, "Bianchi Gym", tier="Tier 1")
    ids = {}
    for name, on in (("Verdi Studio", "2026-11-25"), ("Neri Shop", "2026-11-18")):
        draft = pl.ProspectDraft(name=name, next_action_on=on)
        ids[name] = pl.save_prospect(db, draft=draft, today=TODAY).client_id
    ids["Blu Cafe"] = pl.save_prospect(
        db, draft=pl.ProspectDraft(name="Blu Cafe"), today=TODAY
    ).client_id
    pl.move_prospect(db, client_id=ids["Blu Cafe"], step=1, today=TODAY)
    pl.move_prospect(db, client_id=ids["Blu Cafe"], step=1, today=TODAY)
    return ids


async def _open_pipeline(app: RetainerApp, pilot) -> PipelineScreen:
    await settle(app, pilot)
    await pilot.press("P")
    await settle(app, pilot)
    assert isinstance(app.screen, PipelineScreen)
    return app.screen


async def test_overdue_first_and_the_cursor_skips_the_headings(
    db: Database, make_app: AppMaker
) -> None:
    _seed(db)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_pipeline(app, pilot)
        table = screen.table
        names = [r.prospect.name if r.prospect else r.stage.value for r in table.rows_shown]
        assert names[:4] == ["call scheduled", "Neri Shop", "Verdi Studio", "needs discovered"]
        assert table.highlighted().name == "Neri Shop"
        assert "2d late" in table.get_row_at(1)[4].plain
        await pilot.press("down")
        assert table.highlighted().name == "Verdi Studio"
        await pilot.press("down")  # over two headings, one of them empty
        assert table.highlighted().name == "Blu Cafe"
        await pilot.press("down")  # nothing below: stays on the last prospect
        assert table.highlighted().name == "Blu Cafe"
        await pilot.press("home")
        assert table.highlighted().name == "Neri Shop"
        await pilot.press("up")
        assert table.highlighted().name == "Neri Shop"
        figures = str(screen.query_one("#pipeline-figures").render())
        assert "Guaranteed $3,000/mo → $13,000/mo if every open proposal signs" in figures
        assert "1 overdue next action" in figures


async def test_moving_back_lost_and_reopened_with_keys(db: Database, make_app: AppMaker) -> None:
    ids = _seed(db)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_pipeline(app, pilot)
        await pilot.press("end")
        assert screen.table.highlighted().name == "Blu Cafe"
        await pilot.press("left_square_bracket")
        await settle(app, pilot)
        assert client_row(db, "Blu Cafe")["stage"] == "needs discovered"
        assert screen.table.highlighted().name == "Blu Cafe"
        await pilot.press("x")
        await settle(app, pilot)
        assert isinstance(app.screen, LostFormScreen)
        await pilot.press("enter")  # no reason: refused at the field
        await settle(app, pilot)
        assert isinstance(app.screen, LostFormScreen)
        assert "Reason is required" in app.screen.form_fields["reason"].error
        await type_text(pilot, "Went with an agency")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is screen
        p = pl.get_prospect(db, client_id=ids["Blu Cafe"])
        assert (p.stage, p.lost_reason, p.lost_from) == (
            Stage.LOST,
            "Went with an agency",
            Stage.NEEDS_DISCOVERED,
        )
        assert screen.table.highlighted().name == "Blu Cafe"
        assert "Lost: Went with an agency" in str(screen.query_one("#prospect-detail").render())
        await pilot.press("left_square_bracket")
        await settle(app, pilot)
        assert client_row(db, "Blu Cafe")["stage"] == "needs discovered"
        # ctrl+z undoes the reopening.
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert client_row(db, "Blu Cafe")["stage"] == "lost"


async def test_objections_are_typed_and_checked(db: Database, make_app: AppMaker) -> None:
    ids = _seed(db)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await _open_pipeline(app, pilot)
        await pilot.press("o")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, ObjectionsScreen)
        assert app.focused is form.query_one("#objection-0-text", Input)
        await type_text(pilot, "Too expensive")
        await pilot.press("tab")
        await type_text(pilot, "A 10% discount")
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        # A second row: an answer without the objection is refused at its field.
        await pilot.press("tab")
        await type_text(pilot, "Trial first")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form
        assert form.form_fields["objection-1-text"].error == "Say what the objection was"
        # The refused field has the focus: type the objection there.
        assert app.focused is form.query_one("#objection-1-text", Input)
        await type_text(pilot, "Not sure it works")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is not form
        assert any("Never a discount" in (n.title or "") for n in app._notifications)
    objections = pl.get_prospect(db, client_id=ids["Neri Shop"]).objections
    assert [(o.kind.value, o.text, o.answer) for o in objections] == [
        ("money", "Too expensive", "A 10% discount"),
        ("money", "Not sure it works", "Trial first"),
    ]


async def test_proposal_edits_are_kept_and_markdown_is_one_key(
    db: Database, make_app: AppMaker
) -> None:
    ids = _seed(db)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await _open_pipeline(app, pilot)
        await pilot.press("p")
        await settle(app, pilot)
        proposal = app.screen
        assert isinstance(proposal, ProposalScreen)
        body = proposal.query_one("#proposal-body", TextArea)
        assert body.text.startswith("Hi there,")
        await pilot.press("ctrl+home")
        await type_text(pilot, "PS ")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        stored = prospect_row(db, ids["Neri Shop"])
        assert stored["proposal_body"].startswith("PS Hi there,")
        assert stored["proposal_sent_on"] is None
        await pilot.press("f2")
        assert proposal.markdown
        assert "### Tier 1 — $3,000 a month" in body.text
        await pilot.press("f2")
        assert body.text.startswith("PS Hi there,")  # the saved edit is back
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, PipelineScreen)
        assert client_row(db, "Neri Shop")["stage"] == "call scheduled"
        # An unsaved edit is not lost silently: escape asks, d discards.
        await pilot.press("p")
        await settle(app, pilot)
        await type_text(pilot, "Dear ")
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("d")
        await settle(app, pilot)
        assert isinstance(app.screen, PipelineScreen)
        assert prospect_row(db, ids["Neri Shop"])["proposal_body"].startswith("PS Hi there,")


async def test_help_and_palette_know_the_pipeline_keys(db: Database, make_app: AppMaker) -> None:
    _seed(db)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await _open_pipeline(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for phrase in (
            "Move the prospect on to the next stage",
            "Write the proposal email",
            "Set up the paid trial",
            "Mark the prospect lost",
        ):
            assert phrase in text


async def test_a_new_prospect_form_refuses_bad_input(db: Database, make_app: AppMaker) -> None:
    _seed(db)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await _open_pipeline(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, ProspectFormScreen)
        await type_text(pilot, "verdi studio")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form
        assert "already exists" in form.form_fields["name"].error
    with raw(db) as conn:
        assert conn.execute("SELECT count(*) FROM client").fetchone() == (4,)
