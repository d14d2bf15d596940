"""The proposal's generated English: articles, plurals, notes as sentences, the signature."""

from __future__ import annotations

import pytest

from retainer_tui import paths
from retainer_tui.config import ConfigError, load_settings, save_setting
from retainer_tui.domain.proposal import ProposalInput, Sender, TierOffer, proposal_email
from retainer_tui.domain.wording import count_of, sentences, with_article

TIERS = (TierOffer("Tier 1", 300000), TierOffer("Tier 2", 500000))


def _email(**changes: object) -> str:
    base: dict[str, object] = {
        "client": "Rossi Bakery",
        "tiers": TIERS,
        "recommended": "Tier 2",
        "decision_maker": "Anna Rossi",
    }
    base.update(changes)
    return proposal_email(ProposalInput(**base)).body  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("service", "shown"),
    [
        ("email newsletter", "an email newsletter"),
        ("catering landing page", "a catering landing page"),
        ("kiosk listing on Google Maps", "a kiosk listing on Google Maps"),
        ("SEO audit", "an SEO audit"),
        ("hour of consulting", "an hour of consulting"),
        ("unique landing page", "a unique landing page"),
        ("SEO blog posts", "SEO blog posts"),
        ("weekly reels", "weekly reels"),
        ("media outreach", "media outreach"),
        ("copywriting", "copywriting"),
        ("the monthly audit", "the monthly audit"),
        ("2 blog posts", "2 blog posts"),
    ],
)
def test_a_service_gets_its_article_when_it_needs_one(service: str, shown: str) -> None:
    assert with_article(service) == shown


@pytest.mark.parametrize(
    ("count", "label", "shown"),
    [
        (1, "new followers", "1 new follower"),
        (2, "blog posts", "2 blog posts"),
        (1, "blog posts", "1 blog post"),
        (1, "stories", "1 story"),
        (1, "Posts shared", "1 Post shared"),
        (1, "SEO articles on food", "1 SEO article on food"),
        (1_000, "new followers", "1,000 new followers"),
        (1, "reach", "1 reach"),
    ],
)
def test_counts_agree_with_their_noun(count: int, label: str, shown: str) -> None:
    assert count_of(count, label) == shown


def test_the_email_says_an_email_newsletter_and_one_conversion() -> None:
    body = _email(
        extra_services=("Email newsletter", "SEO blog posts", "Kiosk listing on Google Maps"),
        targets=(("Conversions", 1), ("Blog posts", 2)),
    )
    assert (
        "I can also take on an email newsletter, SEO blog posts and a kiosk listing on "
        "Google Maps every month" in body
    )
    assert "- 1 conversion a month\n- 2 blog posts a month\n" in body
    assert "take on email newsletter" not in body


def test_notes_are_joined_as_sentences() -> None:
    assert sentences("A big spring campaign.", "grow sales by 20%") == (
        "A big spring campaign. Grow sales by 20%."
    )
    assert sentences("", "  ", "Two shops") == "Two shops."
    assert ".;" not in sentences("Launch campaign.", "Grow")


def test_the_email_is_signed_with_the_profile() -> None:
    sender = Sender(name="Maria Lopez", business="Lopez Social", email="maria@lopez.example")
    body = _email(sender=sender)
    assert body.endswith("Best regards,\nMaria Lopez\nLopez Social\nmaria@lopez.example\n")
    signed = _email(sender=Sender(name="Maria", signature="Maria\nLopez Social · +1 555 0100"))
    assert signed.endswith("Best regards,\nMaria\nLopez Social · +1 555 0100\n")
    md = proposal_email(ProposalInput("Rossi", TIERS, "Tier 2", sender=sender), markdown=True).body
    assert md.endswith("Best regards,\nMaria Lopez  \nLopez Social  \nmaria@lopez.example\n")
    # No profile: the closing as before, nothing invented.
    assert _email().endswith("Best regards,\n")


def test_the_profile_is_kept_in_config_toml_with_the_users_comments() -> None:
    path = paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('# mine\ntheme = "nord"  # dark\n', encoding="utf-8")
    save_setting("name", "Maria Lopez")
    save_setting("signature", "Maria\nLopez Social")
    text = path.read_text(encoding="utf-8")
    assert text.startswith('# mine\ntheme = "nord"  # dark\n')
    settings = load_settings()
    assert settings.name == "Maria Lopez" and settings.signature == "Maria\nLopez Social"
    assert settings.has_profile and not load_settings().business


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('name = "' + "x" * 121 + '"\n', "name must be one line"),
        ('email = "a\\nb"\n', "email must be one line"),
        ("business = 3\n", "wrong type"),
        ('signature = "a\\u0007"\n', "signature must be printable"),
    ],
)
def test_a_bad_profile_is_refused_with_its_key(text: str, needle: str) -> None:
    path = paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=needle):
        load_settings()
