"""The sales pipeline's rules: stages in the article's order, next actions, figures. No SQL."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction

from retainer_tui.domain.month import Month
from retainer_tui.domain.report_text import percent


class Stage(StrEnum):
    """Where a prospect is on the way from the first call to a retained client."""

    CALL_SCHEDULED = "call scheduled"
    NEEDS_DISCOVERED = "needs discovered"
    PROPOSAL_SENT = "proposal sent"
    TIER_CHOSEN = "tier chosen"
    CONTRACT_SENT = "contract sent"
    PAID_TRIAL = "paid trial"
    RETAINED = "retained"
    LOST = "lost"

    @property
    def label(self) -> str:
        """'Proposal sent'."""
        return self.value[0].upper() + self.value[1:]

    @property
    def description(self) -> str:
        """What the stage means, in the article's words."""
        return STAGE_DESCRIPTIONS[self]

    @property
    def is_open(self) -> bool:
        """Still being won: neither retained nor lost."""
        return self not in (Stage.RETAINED, Stage.LOST)


# The article's order; lost is beside it, not after it.
STAGES: tuple[Stage, ...] = (
    Stage.CALL_SCHEDULED,
    Stage.NEEDS_DISCOVERED,
    Stage.PROPOSAL_SENT,
    Stage.TIER_CHOSEN,
    Stage.CONTRACT_SENT,
    Stage.PAID_TRIAL,
    Stage.RETAINED,
)
ALL_STAGES: tuple[Stage, ...] = (*STAGES, Stage.LOST)

# A proposal went out and the prospect has neither signed nor been lost.
OPEN_PROPOSAL_STAGES: frozenset[Stage] = frozenset(
    {Stage.PROPOSAL_SENT, Stage.TIER_CHOSEN, Stage.CONTRACT_SENT, Stage.PAID_TRIAL}
)

STAGE_DESCRIPTIONS: dict[Stage, str] = {
    Stage.CALL_SCHEDULED: "Call scheduled with the decision maker",
    Stage.NEEDS_DISCOVERED: "Work and goals for the next 3–6 months",
    Stage.PROPOSAL_SENT: "Three tiers offered, one recommended",
    Stage.TIER_CHOSEN: "The client confirmed a tier",
    Stage.CONTRACT_SENT: "Contract sent for signature",
    Stage.PAID_TRIAL: "A paid trial (never a free one)",
    Stage.RETAINED: "Retained: an active client",
    Stage.LOST: "Lost, with the reason",
}

# What to do once a prospect reaches a stage, and in how many days by default.
NEXT_ACTIONS: dict[Stage, tuple[str, int | None]] = {
    Stage.CALL_SCHEDULED: ("Call the decision maker", 2),
    Stage.NEEDS_DISCOVERED: ("Email the proposal: three tiers, one recommended", 1),
    Stage.PROPOSAL_SENT: ("Follow up: which tier do they choose?", 3),
    Stage.TIER_CHOSEN: ("Send the contract", 1),
    Stage.CONTRACT_SENT: ("Get the contract signed", 3),
    Stage.PAID_TRIAL: ("Trial ends: retain or mark lost", None),
    Stage.RETAINED: ("", None),
    Stage.LOST: ("", None),
}


class StageError(ValueError):
    """A stage name that cannot be read, or a move that cannot be made."""


def parse_stage(text: str) -> Stage:
    """Read 'proposal sent', 'Proposal_Sent' or 'proposal-sent'; StageError otherwise."""
    cleaned = " ".join(str(text).strip().lower().replace("_", " ").replace("-", " ").split())
    try:
        return Stage(cleaned)
    except ValueError:
        names = ", ".join(s.value for s in ALL_STAGES)
        raise StageError(f"{text!r} is not a stage (one of: {names})") from None


def stored_stage(text: str | None, status: str) -> Stage:
    """The stage of a stored client: its stage column, else what its status implies.

    Older rows and hand-typed ones may hold an empty or unknown stage: a trial client is
    then in its paid trial, a prospect at the first stage, an active client retained.
    """
    if text:
        try:
            return parse_stage(text)
        except StageError:
            pass
    if status == "trial":
        return Stage.PAID_TRIAL
    if status in ("active", "paused"):
        return Stage.RETAINED
    if status == "ended":
        return Stage.LOST
    return Stage.CALL_SCHEDULED


def next_stage(stage: Stage) -> Stage:
    """The stage after this one; StageError at the end of the road."""
    if stage is Stage.LOST:
        raise StageError("a lost prospect moves on only by being reopened (move it back)")
    index = STAGES.index(stage)
    if index + 1 >= len(STAGES):
        raise StageError("already retained: this is an active client now")
    return STAGES[index + 1]


def previous_stage(stage: Stage, *, lost_from: Stage | None = None) -> Stage:
    """The stage before this one; a lost prospect goes back to where it was lost."""
    if stage is Stage.LOST:
        return lost_from if lost_from is not None and lost_from.is_open else Stage.CALL_SCHEDULED
    index = STAGES.index(stage)
    if index == 0:
        raise StageError("already at the first stage")
    return STAGES[index - 1]


def default_next_action(
    stage: Stage, today: date, *, trial_end: date | None = None
) -> tuple[str, date | None]:
    """The next action suggested on reaching a stage, and its date."""
    action, days = NEXT_ACTIONS[stage]
    if stage is Stage.PAID_TRIAL:
        return action, trial_end
    return action, (today + timedelta(days=days)) if days is not None else None


def is_overdue(next_action_on: date | None, today: date) -> bool:
    """A next action whose date has passed."""
    return next_action_on is not None and next_action_on < today


def action_sort_key(next_action_on: date | None, today: date, name: str) -> tuple:
    """Within a stage: overdue first, then by date (undated last), then by name."""
    return (
        not is_overdue(next_action_on, today),
        next_action_on is None,
        next_action_on or date.max,
        name.casefold(),
    )


def default_start_month(today: date, trial_end: date | None = None) -> Month:
    """A retainer is paid in advance for whole months: the first month that starts on or
    after the later of today and the day after the trial."""
    first_day = today if trial_end is None else max(today, trial_end + timedelta(days=1))
    month = Month.of(first_day)
    return month if first_day.day == 1 else month.next()


class ObjectionKind(StrEnum):
    """What the objection is about (the article names the first three)."""

    MONEY = "money"
    VALUE = "value"
    RESULTS = "results"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.capitalize()


OBJECTION_KINDS: tuple[str, ...] = tuple(k.value for k in ObjectionKind)

# The article's advice for each kind of objection: add value, never a discount; prove
# results with a paid trial, never a free one.
SUGGESTED_ANSWERS: dict[ObjectionKind, str] = {
    ObjectionKind.MONEY: "Add value instead of a discount: an extra service in the same fee",
    ObjectionKind.VALUE: "Show testimonials and past results; explain what each month brings",
    ObjectionKind.RESULTS: "Offer a paid trial (never a free one) with clear success criteria",
    ObjectionKind.OTHER: "Remind them of the benefits: priority, dedicated hours, no quotes",
}


def mentions_discount(answer: str) -> bool:
    """Whether an answer offers a discount, which the article says never to do."""
    lowered = answer.casefold()
    return "discount" in lowered or "sconto" in lowered


def label_in_sentence(label: str) -> str:
    """'New followers' -> 'new followers', but 'SEO articles' stays as it is."""
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def success_criteria(targets: Iterable[tuple[str, int]], goals: str = "") -> str:
    """A trial's success criteria from the goals: one line per monthly target (label,
    target), else the goals' own lines."""
    lines = [
        f"At least {target:,} {label_in_sentence(label)} a month"
        for label, target in targets
        if target > 0
    ]
    if not lines:
        lines = [line.strip(" -*•\t") for line in goals.splitlines() if line.strip(" -*•\t")]
    return "\n".join(f"- {line}" for line in lines)


# ---------------------------------------------------------------- figures


@dataclass(frozen=True, slots=True)
class StageFigure:
    """How many prospects are at a stage and their monthly value (cents)."""

    stage: Stage
    count: int
    value_cents: int


@dataclass(frozen=True, slots=True)
class PipelineFigures:
    """The pipeline's figures as of a date."""

    by_stage: tuple[StageFigure, ...]
    trials_retained: int
    trials_lost: int
    guaranteed_cents: int
    open_proposals: int
    open_proposals_value_cents: int

    @property
    def trials_ended(self) -> int:
        return self.trials_retained + self.trials_lost

    @property
    def trial_conversion(self) -> Fraction | None:
        """Share of finished trials that became retainers; None before any has ended."""
        if not self.trials_ended:
            return None
        return Fraction(self.trials_retained, self.trials_ended)

    @property
    def guaranteed_if_all_sign_cents(self) -> int:
        """Guaranteed monthly income if every open proposal signs."""
        return self.guaranteed_cents + self.open_proposals_value_cents

    def stage(self, stage: Stage) -> StageFigure:
        return next(f for f in self.by_stage if f.stage is stage)


@dataclass(frozen=True, slots=True)
class PipelineEntry:
    """What the figures need of one prospect."""

    stage: Stage
    value_cents: int
    trial_outcome: str | None = None


def pipeline_figures(entries: Iterable[PipelineEntry], *, guaranteed_cents: int) -> PipelineFigures:
    """Count and value by stage, trial conversion, and income if every proposal signs.

    A prospect's value is the monthly fee of its chosen tier, else its recommended one.
    Guaranteed income (active clients) does not include trials, so adding open
    proposals' values (paid trials among them) counts nobody twice.
    """
    counts: dict[Stage, int] = dict.fromkeys(ALL_STAGES, 0)
    values: dict[Stage, int] = dict.fromkeys(ALL_STAGES, 0)
    retained = lost = 0
    for entry in entries:
        counts[entry.stage] += 1
        values[entry.stage] += entry.value_cents
        if entry.trial_outcome == "retained":
            retained += 1
        elif entry.trial_outcome == "lost":
            lost += 1
    return PipelineFigures(
        by_stage=tuple(StageFigure(s, counts[s], values[s]) for s in ALL_STAGES),
        trials_retained=retained,
        trials_lost=lost,
        guaranteed_cents=guaranteed_cents,
        open_proposals=sum(counts[s] for s in OPEN_PROPOSAL_STAGES),
        open_proposals_value_cents=sum(values[s] for s in OPEN_PROPOSAL_STAGES),
    )


def conversion_text(figures: PipelineFigures) -> str:
    """'2 of 3 trials retained (67%)', or 'no trial has ended yet'."""
    rate = figures.trial_conversion
    if rate is None:
        return "no trial has ended yet"
    noun = "trial" if figures.trials_ended == 1 else "trials"
    return f"{figures.trials_retained} of {figures.trials_ended} {noun} retained ({percent(rate)})"


def targets_in_order(targets: Mapping[str, int], order: Iterable[str]) -> list[tuple[str, int]]:
    """Targets sorted by the metric catalogue's order, unknown metrics last by key."""
    position = {key: i for i, key in enumerate(order)}
    return sorted(targets.items(), key=lambda kv: (position.get(kv[0], len(position)), kv[0]))
