"""The proposal email: three retainer tiers with their fees and services, one recommended.

Follows the article's template: after the call, offer three tier options, recommend one
on the strength of the prospect's goals, promise monthly progress reports, and ask the
client to confirm a tier so that the contract can follow. Plain text or Markdown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from retainer_tui.domain.money import format_money
from retainer_tui.domain.pipeline import label_in_sentence
from retainer_tui.domain.report_text import md_escape, slug
from retainer_tui.domain.wording import count_of, join_list, with_article

DASH = "—"


@dataclass(frozen=True, slots=True)
class TierOffer:
    """One tier as offered: its fee a month (cents) and what it includes."""

    name: str
    monthly_fee_cents: int
    included_hours: int = 0
    services: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True, slots=True)
class ProposalInput:
    """What the email says about the prospect, in plain values."""

    client: str
    tiers: tuple[TierOffer, ...]
    recommended: str
    currency: str = "USD"
    company: str = ""
    decision_maker: str = ""
    goals: str = ""
    # Monthly targets as (label, target), e.g. ("New followers", 500).
    targets: tuple[tuple[str, int], ...] = ()
    extra_services: tuple[str, ...] = ()
    billing_day: int = 1
    sender: Sender | None = None


@dataclass(frozen=True, slots=True)
class Sender:
    """Who signs the email (the profile in the settings); every field may be empty."""

    name: str = ""
    business: str = ""
    email: str = ""
    # Lines put after "Best regards," in place of name, business and email.
    signature: str = ""

    def closing_lines(self) -> list[str]:
        if self.signature.strip():
            return [line.rstrip() for line in self.signature.strip("\n").splitlines()]
        return [" ".join(x.split()) for x in (self.name, self.business, self.email) if x.strip()]


@dataclass(frozen=True, slots=True)
class ProposalEmail:
    subject: str
    body: str
    markdown: bool = False


def fee_text(cents: int, currency: str) -> str:
    """'$3,000' for whole amounts, '$3,000.50' otherwise, in the database's currency."""
    return format_money(cents, currency, cents_shown=cents % 100 != 0)


def ordinal(day: int) -> str:
    """1 -> '1st', 2 -> '2nd', 11 -> '11th', 23 -> '23rd'."""
    teen = 10 <= day % 100 <= 20
    return f"{day}{'th' if teen else {1: 'st', 2: 'nd', 3: 'rd'}.get(day % 10, 'th')}"


def first_name(decision_maker: str) -> str:
    """The greeting's name: the decision maker's first name, else 'there'."""
    parts = decision_maker.split()
    return parts[0] if parts else "there"


def subject_line(data: ProposalInput) -> str:
    who = " ".join((data.company or data.client).split())
    return f"Three retainer options for {who}"


def _inherited(previous: TierOffer | None, tier: TierOffer) -> tuple[str | None, list[str]]:
    """A tier that includes everything of the one before lists only what it adds."""
    services = [s for s in tier.services if s.strip()]
    if previous is None or not previous.services:
        return None, services
    before = {s.casefold() for s in previous.services}
    if before <= {s.casefold() for s in services}:
        return previous.name, [s for s in services if s.casefold() not in before]
    return None, services


def _goal_lines(data: ProposalInput) -> list[str]:
    lines = [
        f"{count_of(target, label_in_sentence(label))} a month"
        for label, target in data.targets
        if target
    ]
    for line in data.goals.splitlines():
        cleaned = line.strip().lstrip("-*•").strip()
        if cleaned:
            lines.append(cleaned)
    return lines


def proposal_email(data: ProposalInput, *, markdown: bool = False) -> ProposalEmail:
    """The email offering the tiers, with subject; plain text or Markdown."""
    if not data.tiers:
        raise ValueError("a proposal needs at least one tier")
    names = [t.name for t in data.tiers]
    if data.recommended not in names:
        raise ValueError(f"the recommended tier {data.recommended!r} is not among the offers")

    def esc(text: str) -> str:
        return md_escape(text) if markdown else " ".join(text.split())

    def bold(text: str) -> str:
        return f"**{text}**" if markdown else text

    count_word = {1: "one", 2: "two", 3: "three"}.get(len(data.tiers), str(len(data.tiers)))
    options = "option" if len(data.tiers) == 1 else "options"
    out: list[str] = [f"Hi {esc(first_name(data.decision_maker))},", ""]
    out.append(
        f"Following our phone call, I'd like to offer you {count_word} retainer {options}. "
        f"Each is a fixed monthly fee, paid in advance on the {ordinal(data.billing_day)} of "
        "the month, and gives you access to different services every month."
    )
    out.append("")

    previous: TierOffer | None = None
    for tier in data.tiers:
        heading = (
            f"{esc(tier.name)} {DASH} {fee_text(tier.monthly_fee_cents, data.currency)} a month"
        )
        if tier.name == data.recommended:
            heading += " (recommended)"
        out.append(f"### {heading}" if markdown else heading)
        if markdown:
            out.append("")
        about = []
        if tier.description.strip():
            about.append(esc(tier.description))
        if tier.included_hours:
            hours = "hour" if tier.included_hours == 1 else "hours"
            about.append(f"Up to {tier.included_hours:,} {hours} a month.")
        if about:
            out.append(" ".join(about))
            if markdown:
                out.append("")
        base, services = _inherited(previous, tier)
        if base is not None:
            out.append(
                f"Everything in {esc(base)}, plus:" if services else f"Everything in {esc(base)}."
            )
            if markdown:
                out.append("")
        out.extend(f"- {esc(s)}" for s in services)
        if out[-1] != "":
            out.append("")
        previous = tier

    goals = _goal_lines(data)
    if goals:
        out.append("Your goals for the next 3–6 months, as I understood them:")
        if markdown:
            out.append("")
        out.extend(f"- {esc(g)}" for g in goals)
        out.append("")
        reason = "Based on these goals and the challenges you described"
    else:
        reason = "Based on the challenges you described and your growth goals"
    recommended = esc(data.recommended)
    out.append(
        f"{reason}, I recommend {bold(recommended)}. I'm confident {recommended} gives you "
        "the most value, and so the best possible results."
    )
    out.append("")
    extras = [
        esc(with_article(label_in_sentence(s.strip()))) for s in data.extra_services if s.strip()
    ]
    if extras:
        out.append(
            "I can also take on "
            + join_list(extras)
            + " every month, on top of any tier; just ask."
        )
        out.append("")
    out.append(
        "While on retainer, you will receive a progress report every month, so you can "
        "review the progress we make and feel sure that our partnership is worth it."
    )
    out.append("")
    out.append(
        "The retainer gives you guaranteed access to my skills, expertise and time, "
        "dedicated to helping you reach your goals."
    )
    out.append("")
    out.append(bold("Please confirm the tier you choose, and I'll send you the contract."))
    out.append("")
    out.append("Best regards,")
    if data.sender is not None:
        lines = data.sender.closing_lines()
        out.extend((md_escape(x) + "  " if markdown and x else x) for x in lines[:-1])
        out.extend(md_escape(x) if markdown else x for x in lines[-1:])
    body = "\n".join(out) + "\n"
    return ProposalEmail(subject=subject_line(data), body=body, markdown=markdown)


def proposal_document(subject: str, body: str, *, markdown: bool) -> str:
    """The file written on export: the subject first, then the body."""
    subject = " ".join(subject.split())
    head = f"**Subject:** {subject}" if markdown else f"Subject: {subject}"
    return f"{head}\n\n{body.rstrip()}\n"


def proposal_file_name(client: str, *, markdown: bool) -> str:
    """'rossi-bakery-proposal.md' (or .txt)."""
    return f"{slug(client)}-proposal.{'md' if markdown else 'txt'}"


def choose_offers(tiers: Sequence[TierOffer], recommended: str) -> tuple[TierOffer, ...]:
    """The three tiers to offer: all when there are three or fewer, else the recommended
    one with its neighbours (the tiers in order of position)."""
    if len(tiers) <= 3:
        return tuple(tiers)
    names = [t.name for t in tiers]
    index = names.index(recommended) if recommended in names else len(tiers) - 1
    start = min(max(index - 1, 0), len(tiers) - 3)
    return tuple(tiers[start : start + 3])
