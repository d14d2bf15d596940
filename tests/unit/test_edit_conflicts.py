"""No silent overwrite: a save whose record was changed since the form opened is refused
(EditConflict: who and what, nothing written); saving with the version it reports
overwrites. One test per kind of record, on both engines."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from retainer_tui.db.base import Database
from retainer_tui.services import entries as e
from retainer_tui.services import pipeline as pl
from retainer_tui.services.change_log import read_log
from retainer_tui.services.clients import ClientDraft, save_client
from retainer_tui.services.errors import EditConflict
from retainer_tui.services.tiers import TierDraft, get_tier, save_tier, tier_goals, tier_version

pytestmark = pytest.mark.both_engines

TODAY = date(2026, 11, 20)


def _client(db: Database, name: str = "Rossi Bakery") -> int:
    return save_client(db, draft=ClientDraft(name=name, start_month="2026-01")).id


def _log_size(db: Database) -> int:
    return len(read_log(db))


def test_tier_changed_by_someone_else_is_refused_naming_them(db: Database) -> None:
    db.author = "anna"
    tid = save_tier(db, draft=TierDraft(name="Growth", monthly_fee="1500")).id
    opened = tier_version(db, tier_id=tid)
    db.author = "sara"
    save_tier(db, draft=TierDraft(name="Growth", monthly_fee="1800"), tier_id=tid)
    db.author = "anna"
    before = _log_size(db)
    with pytest.raises(EditConflict) as caught:
        save_tier(
            db,
            draft=TierDraft(name="Growth plus", monthly_fee="1500"),
            tier_id=tid,
            expected=opened,
        )
    exc = caught.value
    assert exc.who == "sara"
    assert exc.changes == ("monthly fee (1500.00 → 1800.00)",)
    assert str(exc) == ("sara changed monthly fee (1500.00 → 1800.00) since you opened this form")
    tier = get_tier(db, tier_id=tid)
    assert tier is not None and tier.name == "Growth"  # nothing written
    assert _log_size(db) == before
    # Overwrite: saving with the version the conflict reported.
    save_tier(
        db,
        draft=TierDraft(name="Growth plus", monthly_fee="1500"),
        tier_id=tid,
        expected=exc.version,  # type: ignore[arg-type]
    )
    tier = get_tier(db, tier_id=tid)
    assert tier is not None and (tier.name, tier.monthly_fee_cents) == ("Growth plus", 150000)


def test_tier_goals_changed_since_are_named_by_metric(db: Database) -> None:
    tid = save_tier(db, draft=TierDraft(name="Growth", monthly_fee="1500")).id
    opened = tier_version(db, tier_id=tid)
    save_tier(
        db,
        draft=TierDraft(name="Growth", monthly_fee="1500", goals={"posts_shared": "40"}),
        tier_id=tid,
    )
    with pytest.raises(EditConflict) as caught:
        draft = TierDraft(name="Growth", monthly_fee="1600")
        save_tier(db, draft=draft, tier_id=tid, expected=opened)
    assert caught.value.who == "Another window"  # the same person, elsewhere
    assert caught.value.changes == ("target posts_shared (blank → 40)",)
    assert tier_goals(db, tier_id=tid) == {"posts_shared": 40}


def test_an_unchanged_record_saves_and_a_moved_tier_is_no_conflict(db: Database) -> None:
    tid = save_tier(db, draft=TierDraft(name="Growth", monthly_fee="1500")).id
    save_tier(db, draft=TierDraft(name="Basic", monthly_fee="500"))
    opened = tier_version(db, tier_id=tid)
    from retainer_tui.services.tiers import move_tier

    move_tier(db, tier_id=tid, offset=1)  # its position only: nothing the form shows
    save_tier(db, draft=TierDraft(name="Growth", monthly_fee="1600"), tier_id=tid, expected=opened)
    tier = get_tier(db, tier_id=tid)
    assert tier is not None and tier.monthly_fee_cents == 160000


def test_goals_changed_since_are_refused(db: Database) -> None:
    cid = _client(db)
    db.author = "anna"
    opened = e.goals_version(db, client_id=cid)
    db.author = "sara"
    e.set_goals(db, client_id=cid, month="2026-03", targets={"posts_shared": "30"})
    db.author = "anna"
    with pytest.raises(EditConflict) as caught:
        e.set_goals(
            db, client_id=cid, month="2026-03", targets={"posts_shared": "50"}, expected=opened
        )
    assert caught.value.who == "sara"
    assert caught.value.changes == ("target posts_shared/2026-03 (blank → 30)",)
    assert e.targets_in_force(db, client_id=cid, month="2026-03")["posts_shared"].target == 30
    e.set_goals(
        db,
        client_id=cid,
        month="2026-03",
        targets={"posts_shared": "50"},
        expected=caught.value.version,  # type: ignore[arg-type]
    )
    assert e.targets_in_force(db, client_id=cid, month="2026-03")["posts_shared"].target == 50


def test_prospect_contact_changed_since_is_refused(db: Database) -> None:
    db.author = "anna"
    cid = pl.save_prospect(db, draft=pl.ProspectDraft(name="Verdi Studio"), today=TODAY).client_id
    opened = pl.prospect_version(db, client_id=cid)
    db.author = "sara"
    pl.save_prospect(
        db,
        draft=replace(pl.prospect_draft(pl.get_prospect(db, client_id=cid)), email="a@verdi.it"),
        today=TODAY,
        client_id=cid,
    )
    db.author = "anna"
    mine = replace(pl.prospect_draft(pl.get_prospect(db, client_id=cid)), email="b@verdi.it")
    with pytest.raises(EditConflict) as caught:
        pl.save_prospect(db, draft=mine, today=TODAY, client_id=cid, expected=opened)
    assert str(caught.value) == (
        "sara changed email (blank → a@verdi.it) since you opened this form"
    )
    assert pl.get_prospect(db, client_id=cid).email == "a@verdi.it"
    pl.save_prospect(
        db,
        draft=mine,
        today=TODAY,
        client_id=cid,
        expected=caught.value.version,  # type: ignore[arg-type]
    )
    assert pl.get_prospect(db, client_id=cid).email == "b@verdi.it"


def test_payment_marked_since_is_refused(db: Database) -> None:
    cid = _client(db)
    db.author = "anna"
    opened = e.payment_version(db, client_id=cid, month="2026-10")
    db.author = "sara"
    e.mark_payment(
        db, client_id=cid, month="2026-10", today=TODAY, received_on="2026-10-03", amount="900"
    )
    db.author = "anna"
    with pytest.raises(EditConflict) as caught:
        e.mark_payment(
            db,
            client_id=cid,
            month="2026-10",
            today=TODAY,
            received_on="2026-10-05",
            amount="1000",
            expected=opened,
        )
    assert caught.value.who == "sara"
    assert "amount (blank → 900.00)" in caught.value.changes
    assert "received on (blank → 2026-10-03)" in caught.value.changes
    assert e.payment_for(db, client_id=cid, month="2026-10") == (90000, date(2026, 10, 3))
    with pytest.raises(EditConflict):
        e.unmark_payment(db, client_id=cid, month="2026-10", expected=opened)
    assert e.payment_for(db, client_id=cid, month="2026-10") is not None


def test_report_mark_changed_since_is_refused(db: Database) -> None:
    cid = _client(db)
    db.author = "anna"
    e.mark_report_sent(db, client_id=cid, month="2026-10", today=TODAY, sent_on="2026-11-02")
    opened = e.report_version(db, client_id=cid, month="2026-10")
    db.author = "sara"
    e.mark_report_sent(db, client_id=cid, month="2026-10", today=TODAY, sent_on="2026-11-04")
    db.author = "anna"
    with pytest.raises(EditConflict) as caught:
        e.unmark_report(db, client_id=cid, month="2026-10", expected=opened)
    assert str(caught.value) == (
        "sara changed sent on (2026-11-02 → 2026-11-04) since you opened this form"
    )
    assert e.report_sent_on(db, client_id=cid, month="2026-10") == date(2026, 11, 4)
    e.mark_report_sent(
        db,
        client_id=cid,
        month="2026-10",
        today=TODAY,
        sent_on="2026-11-06",
        expected=caught.value.version,  # type: ignore[arg-type]
    )
    assert e.report_sent_on(db, client_id=cid, month="2026-10") == date(2026, 11, 6)


def test_a_change_by_a_raw_write_unsigned_says_someone(db: Database) -> None:
    cid = _client(db)
    opened = e.payment_version(db, client_id=cid, month="2026-10")
    from sqlalchemy import insert

    from retainer_tui.db.models import Payment

    with db.writing() as session:
        session.execute(
            insert(Payment).values(
                client_id=cid, month="2026-10", amount_cents=100, received_on=date(2026, 10, 1)
            )
        )
    with pytest.raises(EditConflict) as caught:
        e.unmark_payment(db, client_id=cid, month="2026-10", expected=opened)
    assert caught.value.who == "Someone"


def test_client_form_merges_and_names_who_changed_a_field_both_edited(db: Database) -> None:
    from retainer_tui.services.client_read import get_client

    db.author = "anna"
    cid = _client(db)
    record = get_client(db, client_id=cid)
    assert record is not None
    opened = record.draft()
    db.author = "sara"
    save_client(db, draft=replace(opened, email="a@rossi.it", phone="555"), client_id=cid)
    db.author = "anna"
    # A field changed here only is merged with Sara's change to another field…
    save_client(db, draft=replace(opened, company="Rossi srl"), client_id=cid, base=opened)
    merged = get_client(db, client_id=cid)
    assert merged is not None
    assert (merged.company, merged.email, merged.phone) == ("Rossi srl", "a@rossi.it", "555")
    # …a field changed on both sides is refused at the field, naming her.
    with pytest.raises(EditConflict) as caught:
        save_client(db, draft=replace(opened, email="b@rossi.it"), client_id=cid, base=opened)
    assert caught.value.errors == {
        "email": "sara changed it to 'a@rossi.it' since this form opened; save again to keep yours"
    }
    assert not caught.value.changes
    stored = get_client(db, client_id=cid)
    assert stored is not None and stored.email == "a@rossi.it"


def test_only_changes_since_the_form_opened_name_their_author(db: Database) -> None:
    cid = _client(db)
    db.author = "sara"
    e.mark_report_sent(db, client_id=cid, month="2026-10", today=TODAY, sent_on="2026-11-02")
    db.author = "anna"
    opened = e.report_version(db, client_id=cid, month="2026-10")
    # Sara's change is older than the form; Anna's other window changed it since.
    opened = replace(opened, read_at="2000-01-01T00:00:00Z")
    with db.writing() as session:  # Sara's entry dated long ago
        from sqlalchemy import update

        from retainer_tui.db.models import ChangeLog

        session.execute(update(ChangeLog).values(at="1999-01-01T00:00:00Z"))
    e.mark_report_sent(db, client_id=cid, month="2026-10", today=TODAY, sent_on="2026-11-04")
    with pytest.raises(EditConflict) as caught:
        e.unmark_report(db, client_id=cid, month="2026-10", expected=opened)
    assert caught.value.who == "Another window"


def test_discovery_notes_changed_since_are_refused(db: Database) -> None:
    cid = pl.save_prospect(db, draft=pl.ProspectDraft(name="Verdi Studio"), today=TODAY).client_id
    db.author = "anna"
    opened = pl.discovery_version(db, client_id=cid)
    db.author = "sara"
    pl.save_discovery(db, client_id=cid, draft=pl.DiscoveryDraft(workload="Four posts a week"))
    db.author = "anna"
    mine = pl.DiscoveryDraft(workload="Two posts a week")
    with pytest.raises(EditConflict) as caught:
        pl.save_discovery(db, client_id=cid, draft=mine, expected=opened)
    assert caught.value.who == "sara"
    assert "workload (blank → Four posts a week)" in caught.value.changes
    assert pl.get_prospect(db, client_id=cid).workload == "Four posts a week"
    pl.save_discovery(db, client_id=cid, draft=mine, expected=caught.value.version)  # type: ignore[arg-type]
    assert pl.get_prospect(db, client_id=cid).workload == "Two posts a week"
