"""SVG snapshots of the pipeline and of a proposal (120×36, today 2026-11-20).

Generate with `pytest tests/snapshots/test_pipeline_snapshots.py --snapshot-update` and look
at them (snapshot_report.html on failure) before committing.
"""

from __future__ import annotations

from datetime import date

import pytest

from retainer_tui.db.engine import Database
from retainer_tui.services import pipeline as pl
from tests.factories import add_client
from tests.snapshots.support import SIZE, settled, snapshot_app

TODAY = date(2026, 11, 20)


@pytest.fixture
def pipeline_db(db: Database) -> Database:
    """Two clients and prospects at every stage: overdue, objections, a trial, won and lost."""
    add_client(db, "Bianchi Gym", tier="Tier 1")
    add_client(db, "Rossi Bakery", tier="Tier 1", fee_cents=200_000)

    def new(name: str, **fields: str) -> int:
        draft = pl.ProspectDraft(name=name, **fields)
        return pl.save_prospect(db, draft=draft, today=TODAY).client_id

    def move(cid: int, times: int, on: date = TODAY) -> None:
        for _ in range(times):
            pl.move_prospect(db, client_id=cid, step=1, today=on)

    verdi = new(
        "Verdi Studio",
        company="Verdi Studio Srl",
        decision_maker="Marco Verdi",
        email="marco@verdi.example",
        next_action_on="2026-11-18",
    )
    pl.save_discovery(
        db,
        client_id=verdi,
        draft=pl.DiscoveryDraft(
            workload="Three posts a day and a monthly campaign",
            goals="Open a second studio in Milan",
            targets={"new_followers": "600", "conversions": "12"},
            extra_services="SEO blog posts\nMedia outreach",
        ),
    )
    pl.save_objections(
        db,
        client_id=verdi,
        objections=[
            pl.ObjectionDraft("money", "Too expensive for now", "Weekly reels for the same fee"),
            pl.ObjectionDraft("results", "Not sure it works", "A paid month's trial"),
        ],
    )
    new("Neri Shop", decision_maker="Sofia Neri", next_action_on="2026-11-24")
    gialli = new("Gialli Caffè", decision_maker="Luca Gialli")
    move(gialli, 1, date(2026, 11, 17))
    esposito = new("Gelateria Esposito", decision_maker="Gino Esposito")
    move(esposito, 2, date(2026, 11, 16))
    moro = new("Moro Design")
    move(moro, 3)
    pl.choose_tier(db, client_id=moro, tier_id=1, today=TODAY)
    move(moro, 1)
    conti = new("Fiori di Sara", decision_maker="Sara Conti")
    pl.save_discovery(db, client_id=conti, draft=pl.DiscoveryDraft(targets={"conversions": "8"}))
    pl.save_trial(
        db,
        client_id=conti,
        draft=pl.TrialDraft(fee="1500", start="2026-11-02", end="2026-11-30"),
        today=TODAY,
    )
    won = new("Enoteca Blu")
    pl.save_trial(
        db,
        client_id=won,
        draft=pl.TrialDraft(fee="900", start="2026-10-01", end="2026-10-31"),
        today=date(2026, 10, 1),
    )
    pl.retain(db, client_id=won, tier_id=2, start_month="2026-11", today=date(2026, 11, 1))
    lost = new("Bar Sport")
    pl.save_trial(
        db,
        client_id=lost,
        draft=pl.TrialDraft(fee="500", start="2026-10-01", end="2026-10-15"),
        today=date(2026, 10, 1),
    )
    pl.mark_lost(db, client_id=lost, reason="No budget after the trial", today=date(2026, 10, 16))
    return db


def test_pipeline_screen(snap_compare, pipeline_db: Database) -> None:
    """Every stage in order, the overdue call first, figures at the top, Verdi's notes below."""
    assert snap_compare(
        snapshot_app(pipeline_db, TODAY), terminal_size=SIZE, run_before=settled("P")
    )


def test_pipeline_screen_light(snap_compare, pipeline_db: Database) -> None:
    app = snapshot_app(pipeline_db, TODAY, "textual-light")
    assert snap_compare(app, terminal_size=SIZE, run_before=settled("P"))


def test_proposal(snap_compare, pipeline_db: Database) -> None:
    """Verdi Studio's proposal: three tiers in USD, Tier 3 recommended, goals reflected."""
    assert snap_compare(
        snapshot_app(pipeline_db, TODAY), terminal_size=SIZE, run_before=settled("P", "p")
    )
