"""What the pipeline hands its callers: the prospect and pipeline read models, a write's
result, and the errors a pipeline action raises. Frozen dataclasses, no SQL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from retainer_tui.domain.clients import ClientStatus
from retainer_tui.domain.month import Month
from retainer_tui.domain.pipeline import (
    ObjectionKind,
    PipelineEntry,
    PipelineFigures,
    Stage,
    is_overdue,
)
from retainer_tui.services.catalog import TierInfo
from retainer_tui.services.client_read import ClientContact
from retainer_tui.services.errors import ServiceError
from retainer_tui.services.undo import Change


class PipelineError(ServiceError):
    """A pipeline action that cannot be done now; str() says why and what to do."""


class TrialDetailsNeeded(PipelineError):
    """Moving into the paid trial needs its fee and dates first."""


class TierNeeded(PipelineError):
    """The action needs a tier and there is none to choose from."""


@dataclass(frozen=True, slots=True)
class MetricRef:
    key: str
    label: str


@dataclass(frozen=True, slots=True)
class ObjectionInfo:
    kind: ObjectionKind
    text: str
    answer: str


@dataclass(frozen=True, slots=True)
class Prospect(ClientContact):
    """One prospect with everything the pipeline shows about it."""

    status: ClientStatus
    stage: Stage
    next_action: str
    next_action_on: date | None
    objection_notes: str
    billing_day: int
    start_month: Month | None
    client_tier_id: int | None
    client_tier: str | None
    client_fee_cents: int | None
    workload: str = ""
    goals: str = ""
    targets: tuple[tuple[str, int], ...] = ()
    extra_services: tuple[str, ...] = ()
    recommended_tier_id: int | None = None
    recommended_tier: str | None = None
    recommended_fee_cents: int | None = None
    chosen_tier_id: int | None = None
    chosen_tier: str | None = None
    chosen_fee_cents: int | None = None
    proposal_sent_on: date | None = None
    proposal_subject: str = ""
    proposal_body: str = ""
    proposal_markdown: bool = False
    trial_fee_cents: int | None = None
    trial_start: date | None = None
    trial_end: date | None = None
    trial_criteria: str = ""
    trial_outcome: str | None = None
    retained_on: date | None = None
    lost_reason: str = ""
    lost_from: Stage | None = None
    lost_on: date | None = None
    objections: tuple[ObjectionInfo, ...] = ()

    @property
    def tier(self) -> str | None:
        """The tier the prospect is valued at: chosen, else recommended, else its own."""
        if self.stage is Stage.RETAINED:
            return self.client_tier or self.chosen_tier
        return self.chosen_tier or self.recommended_tier or self.client_tier

    @property
    def value_cents(self) -> int:
        """Monthly value: the retained client's fee, else the chosen or recommended tier's."""
        if self.stage is Stage.RETAINED:
            return self.client_fee_cents or self.chosen_fee_cents or 0
        for fee in (self.chosen_fee_cents, self.recommended_fee_cents, self.client_fee_cents):
            if fee is not None:
                return fee
        return 0

    @property
    def has_trial(self) -> bool:
        return self.trial_start is not None and self.trial_fee_cents is not None

    def overdue(self, today: date) -> bool:
        return self.stage.is_open and is_overdue(self.next_action_on, today)

    def entry(self) -> PipelineEntry:
        return PipelineEntry(self.stage, self.value_cents, self.trial_outcome)


@dataclass(frozen=True, slots=True)
class PipelineView:
    """The pipeline as of a date: prospects in stage order (overdue first), and figures."""

    as_of: date
    currency: str
    prospects: tuple[Prospect, ...]
    figures: PipelineFigures
    tiers: tuple[TierInfo, ...] = ()
    metrics: tuple[MetricRef, ...] = ()

    def in_stage(self, stage: Stage) -> tuple[Prospect, ...]:
        return tuple(p for p in self.prospects if p.stage is stage)

    def find(self, client_id: int) -> Prospect | None:
        return next((p for p in self.prospects if p.id == client_id), None)


@dataclass(frozen=True, slots=True)
class PipelineChange:
    """What a pipeline action did, with a message for the toast."""

    client_id: int
    name: str
    stage: Stage
    message: str
    change: Change = field(default_factory=lambda: Change("", ()))


def default_recommendation(p: Prospect, tiers: Sequence[TierInfo]) -> int | None:
    """The tier to recommend unless told otherwise: the one already recommended or chosen,
    else the client's own, else the top tier (the article recommends the most value)."""
    ids = {t.id for t in tiers}
    for tid in (p.recommended_tier_id, p.chosen_tier_id, p.client_tier_id):
        if tid in ids:
            return tid
    return tiers[-1].id if tiers else None
