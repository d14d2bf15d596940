"""What each pipeline form shows, read in one unit of work: the form's worker calls one of
these as the form opens (and again for Reload after an edit conflict), the edit version
read in the same snapshot as the values shown.

SQLAlchemy is imported by the modules these call, inside their functions: the app's
screens import this module before their first frame, which must not wait for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from retainer_tui.db.engine import Database
from retainer_tui.domain.month import Month
from retainer_tui.services.catalog import TierInfo, read_tiers
from retainer_tui.services.catalog import database_currency as _currency
from retainer_tui.services.edit_guard import EditVersion, read_version
from retainer_tui.services.pipeline_models import MetricRef, PipelineError, Prospect
from retainer_tui.services.pipeline_prospect import discovery_watch, prospect_watch
from retainer_tui.services.pipeline_read import _metrics, _read_prospect, guaranteed_income


@dataclass(frozen=True, slots=True)
class ProspectForm:
    """A prospect as its contact form (or its discovery notes) opens."""

    prospect: Prospect
    version: EditVersion
    metrics: tuple[MetricRef, ...] = ()


def prospect_form(db: Database, *, client_id: int) -> ProspectForm:
    """The prospect and the version save_prospect compares with; NotFound when gone."""
    with db.reading() as session:
        return ProspectForm(
            _read_prospect(session, client_id), read_version(session, prospect_watch(client_id))
        )


def discovery_form(db: Database, *, client_id: int) -> ProspectForm:
    """The prospect, the metrics its targets are for, and the version save_discovery
    compares with."""
    with db.reading() as session:
        return ProspectForm(
            _read_prospect(session, client_id),
            read_version(session, discovery_watch(client_id)),
            _metrics(session),
        )


@dataclass(frozen=True, slots=True)
class TrialForm:
    prospect: Prospect
    labels: dict[str, str]
    """Metric labels by key, for the success criteria drawn from the targets."""


def trial_form(db: Database, *, client_id: int) -> TrialForm:
    with db.reading() as session:
        labels = {m.key: m.label for m in _metrics(session)}
        return TrialForm(_read_prospect(session, client_id), labels)


@dataclass(frozen=True, slots=True)
class TierPickForm:
    """What the tier chosen and retain forms show: the prospect, the tiers offered, the
    guaranteed income now and the currency."""

    prospect: Prospect
    tiers: tuple[TierInfo, ...]
    income: int
    currency: str


def tier_pick_form(db: Database, *, client_id: int, today: date | None = None) -> TierPickForm:
    """PipelineError when there is no tier to pick yet; NotFound when the prospect is gone."""
    with db.reading() as session:
        prospect = _read_prospect(session, client_id)
        tiers = read_tiers(session, offered=True)
        if not tiers:
            raise PipelineError("Add a tier first (T on the dashboard)")
        income = guaranteed_income(session, Month.of(today or date.today()))
        return TierPickForm(prospect, tiers, income, _currency(session))
