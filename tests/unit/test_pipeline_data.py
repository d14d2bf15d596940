"""The pipeline in the data file: [clients.prospect] exported, imported, and checked."""

from __future__ import annotations

from datetime import date

import pytest

from retainer_tui.domain.pipeline import Stage
from retainer_tui.services import pipeline as pl
from retainer_tui.services.data_file import DataFileError, export_data, import_data
from tests.raw import raw

pytestmark = pytest.mark.both_engines

TODAY = date(2026, 11, 20)


def _prospect_with_everything(db) -> int:
    cid = pl.save_prospect(
        db, draft=pl.ProspectDraft(name="Verdi Studio", decision_maker="Marco"), today=TODAY
    ).client_id
    pl.save_discovery(
        db,
        client_id=cid,
        draft=pl.DiscoveryDraft(
            workload="Daily posts",
            goals="Open a shop\nDouble reach",
            targets={"conversions": "12", "new_followers": "600"},
            extra_services="SEO blog posts",
        ),
    )
    pl.save_objections(
        db,
        client_id=cid,
        objections=[pl.ObjectionDraft("money", "Too dear", "Reels for the same fee")],
    )
    context = pl.proposal_context(db, client_id=cid)
    email = context.email(2, markdown=True)
    pl.save_proposal(
        db,
        client_id=cid,
        recommended_tier_id=2,
        subject=email.subject,
        body=email.body,
        markdown=True,
        today=TODAY,
        sent_on=TODAY,
    )
    pl.save_trial(
        db,
        client_id=cid,
        draft=pl.TrialDraft(fee="1500.50", start="2026-11-20", end="2026-12-19", criteria="x"),
        today=TODAY,
    )
    return cid


def test_the_prospect_table_in_toml(db) -> None:
    _prospect_with_everything(db)
    text = export_data(db, "toml")
    section = text[text.index("[clients.prospect]") :]
    assert 'workload = "Daily posts"' in section
    assert "targets = { new_followers = 600, conversions = 12 }" in section  # catalogue order
    assert 'extra_services = ["SEO blog posts"]' in section
    assert 'recommended_tier = "Tier 2"' in section
    assert "proposal_sent = 2026-11-20" in section
    assert "proposal_markdown = true" in section
    assert 'trial_fee = "1500.50"' in section
    assert "trial_start = 2026-11-20" in section
    assert '[[clients.prospect.objections]]\nkind = "money"\ntext = "Too dear"' in section


def test_round_trip_into_a_new_database_keeps_the_pipeline(db, tmp_path) -> None:
    from retainer_tui.db.migrate import open_database

    _prospect_with_everything(db)
    before = pl.load_pipeline(db, as_of=TODAY)
    other = open_database(tmp_path / "other.db")
    import_data(other, export_data(db, "json"), fmt="json")
    after = pl.load_pipeline(other, as_of=TODAY)
    assert after.figures == before.figures
    p, q = before.prospects[0], after.prospects[0]
    for attribute in (
        "stage",
        "status",
        "targets",
        "extra_services",
        "recommended_tier",
        "proposal_sent_on",
        "proposal_subject",
        "proposal_body",
        "proposal_markdown",
        "trial_fee_cents",
        "trial_start",
        "trial_end",
        "objections",
    ):
        assert getattr(q, attribute) == getattr(p, attribute), attribute
    assert q.stage is Stage.PAID_TRIAL


@pytest.mark.parametrize("replace", [False, True], ids=["merge", "replace"])
def test_reimporting_merges_the_prospect_or_replaces_it_whole(db, tmp_path, replace) -> None:
    cid = _prospect_with_everything(db)
    text = export_data(db, "toml")
    pl.save_objections(db, client_id=cid, objections=[])
    pl.save_objections(
        db, client_id=cid, objections=[pl.ObjectionDraft("value", "Why you?", "Testimonials")]
    )
    import_data(db, text, fmt="toml", replace=replace, backup_dir=tmp_path / "backups")
    objections = pl.get_prospect(db, client_id=cid).objections
    kept = [] if replace else [("value", "Why you?")]
    assert [(o.kind.value, o.text) for o in objections] == [*kept, ("money", "Too dear")]
    if replace:
        assert export_data(db, "toml") == text


def test_bad_prospect_tables_are_refused_with_their_place(db) -> None:
    text = """
format = "retainer-tui/1"

[[clients]]
name = "Verdi Studio"
status = "prospect"

[clients.prospect]
recommended_tier = "Gold"
trial_fee = 1500.0
trial_outcome = "won"
lost_from = "negotiating"
proposal_markdown = "yes"
targets = { likes = 5, conversions = -1 }
colour = "blue"

[[clients.prospect.objections]]
kind = "price"
answer = "A trial"
"""
    with pytest.raises(DataFileError) as caught:
        import_data(db, text, fmt="toml")
    places = {p.place: p.message for p in caught.value.problems}
    base = 'clients[1] "Verdi Studio".prospect'
    assert "no tier named" in places[f"{base}.recommended_tier"]
    assert "decimal string" in places[f"{base}.trial_fee"]
    assert "trial outcome must be one of" in places[f"{base}.trial_outcome"]
    assert "is not a stage" in places[f"{base}.lost_from"]
    assert "true or false" in places[f"{base}.proposal_markdown"]
    assert "unknown metric" in places[f"{base}.targets.likes"]
    assert "negative" in places[f"{base}.targets.conversions"]
    assert "unknown key" in places[f"{base}.colour"]
    assert "kind must be one of" in places[f"{base}.objections[1].kind"]
    assert "is required" in places[f"{base}.objections[1].text"]
    with raw(db) as conn:
        assert conn.execute("SELECT count(*) FROM client").fetchone() == (0,)
