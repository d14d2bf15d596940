"""The proposal email: three tiers with fees in the database's currency, one recommended."""

from __future__ import annotations

from datetime import date

import pytest

from retainer_tui.domain.proposal import (
    ProposalInput,
    TierOffer,
    choose_offers,
    fee_text,
    first_name,
    ordinal,
    proposal_document,
    proposal_email,
    proposal_file_name,
)
from retainer_tui.services import pipeline as pl
from tests.raw import raw

pytestmark = pytest.mark.both_engines

TIER1 = TierOffer(
    "Tier 1",
    300000,
    20,
    ("Content creation", "Graphic design", "Scheduled daily posts", "Strategic promotion"),
    "Content and scheduled posting.",
)
TIER2 = TierOffer("Tier 2", 500000, 35, (*TIER1.services, "Daily community engagement"))
TIER3 = TierOffer("Tier 3", 1000000, 60, (*TIER2.services, "Video creation"))


def _input(**changes: object) -> ProposalInput:
    base: dict[str, object] = {
        "client": "Rossi Bakery",
        "company": "Rossi Bakery Ltd",
        "decision_maker": "Anna Rossi",
        "tiers": (TIER1, TIER2, TIER3),
        "recommended": "Tier 3",
        "currency": "USD",
    }
    base.update(changes)
    return ProposalInput(**base)  # type: ignore[arg-type]


def test_plain_text_offers_three_tiers_recommends_one_and_asks_to_confirm() -> None:
    email = proposal_email(_input())
    assert email.subject == "Three retainer options for Rossi Bakery Ltd"
    body = email.body
    assert body.startswith("Hi Anna,\n\n")
    assert "three retainer options" in body
    assert "Tier 1 — $3,000 a month\n" in body
    assert "Tier 2 — $5,000 a month\n" in body
    assert "Tier 3 — $10,000 a month (recommended)\n" in body
    assert body.count("(recommended)") == 1
    assert "I recommend Tier 3." in body
    assert "progress report every month" in body
    assert "Please confirm the tier you choose, and I'll send you the contract." in body
    assert "paid in advance on the 1st of the month" in body
    # A tier that includes the one before lists only what it adds.
    assert "Everything in Tier 1, plus:\n- Daily community engagement\n" in body
    assert "Everything in Tier 2, plus:\n- Video creation\n" in body
    assert body.count("- Content creation") == 1
    assert "Up to 20 hours a month." in body
    assert "**" not in body and "###" not in body
    assert body.endswith("Best regards,\n")


@pytest.mark.parametrize(
    ("currency", "fees"),
    [
        ("EUR", ("€3,000", "€5,000", "€10,000")),
        ("GBP", ("£3,000", "£5,000", "£10,000")),
        ("CHF", ("CHF 3,000", "CHF 5,000", "CHF 10,000")),
        ("SEK", ("SEK 3,000", "SEK 5,000", "SEK 10,000")),
    ],
)
def test_fees_are_in_the_databases_currency(currency: str, fees: tuple[str, ...]) -> None:
    body = proposal_email(_input(currency=currency)).body
    for name, fee in zip(("Tier 1", "Tier 2", "Tier 3"), fees, strict=True):
        assert f"{name} — {fee} a month" in body
    assert "$" not in body


def test_fees_with_cents_keep_them() -> None:
    assert fee_text(300050, "USD") == "$3,000.50"
    assert fee_text(300000, "EUR") == "€3,000"


def test_markdown_has_headings_bold_recommendation_and_escapes_user_text() -> None:
    tiers = (TIER1, TierOffer("Tier *2*", 500000), TIER3)
    email = proposal_email(
        _input(tiers=tiers, recommended="Tier *2*", goals="Grow #brand"), markdown=True
    )
    body = email.body
    assert email.markdown
    assert "### Tier 1 — $3,000 a month\n" in body
    assert "### Tier \\*2\\* — $5,000 a month (recommended)\n" in body
    assert "I recommend **Tier \\*2\\***." in body
    assert "- Grow \\#brand" in body
    assert "**Please confirm the tier you choose, and I'll send you the contract.**" in body


def test_goals_targets_and_extra_services_are_reflected() -> None:
    body = proposal_email(
        _input(
            goals="Open a second shop\n- Double reach",
            targets=(("New followers", 500), ("Conversions", 10)),
            extra_services=("SEO blog posts", "Media outreach"),
        )
    ).body
    assert (
        "Your goals for the next 3–6 months, as I understood them:\n"
        "- 500 new followers a month\n- 10 conversions a month\n"
        "- Open a second shop\n- Double reach\n"
    ) in body
    assert "Based on these goals" in body
    assert "I can also take on SEO blog posts and media outreach every month" in body


def test_greeting_without_a_decision_maker_and_subject_without_company() -> None:
    email = proposal_email(_input(decision_maker="", company=""))
    assert email.body.startswith("Hi there,")
    assert email.subject == "Three retainer options for Rossi Bakery"


def test_recommended_tier_must_be_offered() -> None:
    with pytest.raises(ValueError, match="not among"):
        proposal_email(_input(recommended="Gold"))
    with pytest.raises(ValueError, match="at least one tier"):
        proposal_email(_input(tiers=()))


def test_more_than_three_tiers_offer_the_recommended_and_its_neighbours() -> None:
    tiers = [TierOffer(f"T{i}", i * 100000) for i in range(1, 6)]
    assert [t.name for t in choose_offers(tiers, "T1")] == ["T1", "T2", "T3"]
    assert [t.name for t in choose_offers(tiers, "T3")] == ["T2", "T3", "T4"]
    assert [t.name for t in choose_offers(tiers, "T5")] == ["T3", "T4", "T5"]
    assert choose_offers(tiers[:2], "T1") == tuple(tiers[:2])


def test_small_helpers() -> None:
    assert [ordinal(d) for d in (1, 2, 3, 4, 11, 12, 13, 21, 22, 28)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "28th",
    ]  # fmt: skip
    assert first_name("  Anna Maria Rossi ") == "Anna"
    assert proposal_document("Hi", "Body\n\n", markdown=False) == "Subject: Hi\n\nBody\n"
    assert proposal_document("Hi", "Body", markdown=True) == "**Subject:** Hi\n\nBody\n"
    assert proposal_file_name("Rossi Bakery & Co.", markdown=True) == "rossi-bakery-co-proposal.md"


def test_the_proposal_for_a_stored_prospect(db) -> None:
    """The service feeds the domain the database's tiers, currency and the prospect's notes."""
    with raw(db, write=True) as conn:
        conn.execute("UPDATE meta SET value = 'EUR' WHERE key = 'currency'")
    today = date(2026, 11, 20)
    made = pl.save_prospect(
        db,
        draft=pl.ProspectDraft(name="Verdi Studio", decision_maker="Marco Verdi"),
        today=today,
    )
    pl.save_discovery(
        db,
        client_id=made.client_id,
        draft=pl.DiscoveryDraft(goals="Launch the shop", targets={"conversions": "12"}),
    )
    context = pl.proposal_context(db, client_id=made.client_id)
    tier2 = next(t for t in context.tiers if t.name == "Tier 2")
    email = context.email(tier2.id)
    assert email.subject == "Three retainer options for Verdi Studio"
    assert "Hi Marco," in email.body
    assert "Tier 1 — €3,000 a month\n" in email.body
    assert "Tier 2 — €5,000 a month (recommended)\n" in email.body
    assert "Tier 3 — €10,000 a month\n" in email.body
    assert "- 12 conversions a month\n- Launch the shop\n" in email.body
    # Without a choice the top tier is recommended, as in the article.
    assert "Tier 3 — €10,000 a month (recommended)" in context.email().body
