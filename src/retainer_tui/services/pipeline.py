"""The prospect pipeline, from the first call to a retained client: this module only
re-exports the public names, so callers keep `from retainer_tui.services import pipeline`.

The code lives by job: pipeline_models (read models, results, errors), pipeline_read
(loading the pipeline and one prospect), pipeline_write (the steps every write shares),
pipeline_prospect (contact, discovery, objections), pipeline_stages (stage moves, the
paid trial, retaining and losing), pipeline_proposal (the proposal and the chosen tier).
Reads return frozen dataclasses; every write is one short transaction, recorded for undo.
None of them imports SQLAlchemy at module level, so neither does this one.
"""

from __future__ import annotations

from retainer_tui.services.catalog import TierInfo
from retainer_tui.services.pipeline_forms import (
    ProspectForm,
    TierPickForm,
    TrialForm,
    discovery_form,
    prospect_form,
    tier_pick_form,
    trial_form,
)
from retainer_tui.services.pipeline_models import (
    MetricRef,
    ObjectionInfo,
    PipelineChange,
    PipelineError,
    PipelineView,
    Prospect,
    TierNeeded,
    TrialDetailsNeeded,
    default_recommendation,
)
from retainer_tui.services.pipeline_proposal import (
    ProposalContext,
    choose_tier,
    default_proposal_path,
    export_proposal,
    proposal_context,
    save_proposal,
)
from retainer_tui.services.pipeline_prospect import (
    MAX_EXTRA_SERVICES,
    MAX_OBJECTIONS,
    DiscoveryDraft,
    ObjectionDraft,
    ProspectDraft,
    discovery_draft,
    discovery_version,
    prospect_draft,
    prospect_version,
    save_discovery,
    save_objections,
    save_prospect,
    validate_prospect,
)
from retainer_tui.services.pipeline_read import (
    get_prospect,
    guaranteed_income,
    income_now,
    list_metrics,
    list_tiers,
    load_pipeline,
    load_pipeline_from,
)
from retainer_tui.services.pipeline_stages import (
    MAX_TRIAL_DAYS,
    TrialDraft,
    mark_lost,
    move_prospect,
    retain,
    save_trial,
    trial_draft,
)

__all__ = [
    "ProspectForm",
    "TierPickForm",
    "TrialForm",
    "discovery_form",
    "prospect_form",
    "tier_pick_form",
    "trial_form",
    "discovery_version",
    "prospect_version",
    "MAX_EXTRA_SERVICES",
    "MAX_OBJECTIONS",
    "MAX_TRIAL_DAYS",
    "DiscoveryDraft",
    "MetricRef",
    "ObjectionDraft",
    "ObjectionInfo",
    "PipelineChange",
    "PipelineError",
    "PipelineView",
    "ProposalContext",
    "Prospect",
    "ProspectDraft",
    "TierInfo",
    "TierNeeded",
    "TrialDetailsNeeded",
    "TrialDraft",
    "choose_tier",
    "default_proposal_path",
    "default_recommendation",
    "discovery_draft",
    "export_proposal",
    "get_prospect",
    "guaranteed_income",
    "income_now",
    "list_metrics",
    "list_tiers",
    "load_pipeline",
    "load_pipeline_from",
    "mark_lost",
    "move_prospect",
    "proposal_context",
    "prospect_draft",
    "retain",
    "save_discovery",
    "save_objections",
    "save_prospect",
    "save_proposal",
    "save_trial",
    "trial_draft",
    "validate_prospect",
]
