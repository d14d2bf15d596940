"""What a form shows is read in one call (services.form_data, services.pipeline_forms):
the values, and the edit version the save compares with, from the same snapshot; a
record gone is NotFound. Both engines."""

from __future__ import annotations

from datetime import date

import pytest

from retainer_tui.db.base import Database
from retainer_tui.domain.month import Month
from retainer_tui.services import entries as e
from retainer_tui.services import pipeline as pl
from retainer_tui.services.clients import ClientDraft, delete_client, save_client
from retainer_tui.services.errors import EditConflict, NotFound
from retainer_tui.services.form_data import (
    client_form,
    goals_form,
    payment_form,
    report_form,
    tier_form,
)
from retainer_tui.services.tiers import delete_tier, list_tiers

pytestmark = pytest.mark.both_engines

TODAY = date(2026, 11, 20)
NOV = Month(2026, 11)


def _client(db: Database) -> int:
    db.author = "anna"
    return save_client(
        db, draft=ClientDraft(name="Rossi Bakery", tier="Tier 1", start_month="2026-01")
    ).id


def test_goals_form_holds_the_targets_and_a_version_that_guards_them(db: Database) -> None:
    cid = _client(db)
    e.set_goals(db, client_id=cid, month="2026-03", targets={"new_followers": "500"})
    shown = goals_form(db, client_id=cid, month=NOV)
    assert shown.client == "Rossi Bakery" and shown.month == NOV
    assert shown.in_force["new_followers"].target == 500
    assert [(s.metric, s.target) for s in shown.history] == [("new_followers", 500)]
    assert shown.defaults is not None and shown.defaults.tier == "Tier 1"
    assert "new_followers" in [m.key for m in shown.metrics]
    # Another write after the read: the version read with the targets refuses the save.
    e.set_goals(db, client_id=cid, month="2026-04", targets={"new_followers": "600"})
    with pytest.raises(EditConflict):
        e.set_goals(
            db, client_id=cid, month=NOV, targets={"new_followers": "700"}, expected=shown.version
        )
    again = goals_form(db, client_id=cid, month=NOV)
    assert again.in_force["new_followers"].target == 600
    e.set_goals(
        db, client_id=cid, month=NOV, targets={"new_followers": "700"}, expected=again.version
    )


def test_payment_and_report_forms_hold_the_month_and_its_version(db: Database) -> None:
    cid = _client(db)
    empty = payment_form(db, client_id=cid, month=NOV)
    assert empty.existing is None and empty.record.name == "Rossi Bakery"
    e.mark_payment(db, client_id=cid, month=NOV, today=TODAY, received_on="2026-11-03")
    paid = payment_form(db, client_id=cid, month=NOV)
    assert paid.existing == (paid.record.monthly_fee_cents, date(2026, 11, 3))
    with pytest.raises(EditConflict):
        e.unmark_payment(db, client_id=cid, month=NOV, expected=empty.version)
    e.unmark_payment(db, client_id=cid, month=NOV, expected=paid.version)

    october = NOV.previous()
    assert report_form(db, client_id=cid, month=october).sent_on is None
    e.mark_report_sent(db, client_id=cid, month=october, today=TODAY, sent_on="2026-11-04")
    sent = report_form(db, client_id=cid, month=october)
    assert sent.sent_on == date(2026, 11, 4)
    e.unmark_report(db, client_id=cid, month=october, expected=sent.version)


def test_a_record_gone_is_not_found(db: Database) -> None:
    cid = _client(db)
    delete_client(db, client_id=cid)
    for read in (
        lambda: client_form(db, client_id=cid),
        lambda: goals_form(db, client_id=cid, month=NOV),
        lambda: payment_form(db, client_id=cid, month=NOV),
        lambda: report_form(db, client_id=cid, month=NOV),
        lambda: pl.prospect_form(db, client_id=cid),
        lambda: pl.tier_pick_form(db, client_id=cid),
        lambda: tier_form(db, tier_id=10_000),
    ):
        with pytest.raises(NotFound):
            read()
    new = client_form(db, client_id=None)
    assert new.record is None and [t.name for t in new.tiers] == [t.name for t in list_tiers(db)]


def test_prospect_form_version_and_no_tier_to_pick(db: Database) -> None:
    db.author = "anna"
    pid = save_client(
        db, draft=ClientDraft(name="Prospect Co", status="prospect", stage="first call")
    ).id
    shown = pl.prospect_form(db, client_id=pid)
    assert shown.prospect.name == "Prospect Co"
    draft = pl.prospect_draft(shown.prospect)
    db.author = "sara"
    pl.save_prospect(
        db, draft=pl.ProspectDraft(**{**_fields(draft), "phone": "555"}), today=TODAY,
        client_id=pid,
    )  # fmt: skip
    db.author = "anna"
    with pytest.raises(EditConflict):
        pl.save_prospect(
            db, draft=pl.ProspectDraft(**{**_fields(draft), "email": "a@b.it"}), today=TODAY,
            client_id=pid, expected=shown.version,
        )  # fmt: skip
    picked = pl.tier_pick_form(db, client_id=pid)
    assert picked.tiers and picked.currency == "USD"
    for tier in list_tiers(db):
        delete_tier(db, tier_id=tier.id)
    with pytest.raises(pl.PipelineError, match="Add a tier first"):
        pl.tier_pick_form(db, client_id=pid)


def _fields(draft: pl.ProspectDraft) -> dict[str, object]:
    return {name: getattr(draft, name) for name in pl.ProspectDraft.__slots__}
