"""The proposal: its generated email, saving and sending it, writing it to a file, and
the tier the client chooses from it.

SQLAlchemy and the table classes are imported inside the functions: the app's screens
import this module before their first frame, which must not wait for SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from retainer_tui.db.engine import Database
from retainer_tui.domain import validation as v
from retainer_tui.domain.pipeline import STAGES, Stage
from retainer_tui.domain.proposal import (
    ProposalEmail,
    ProposalInput,
    Sender,
    choose_offers,
    proposal_document,
    proposal_email,
    proposal_file_name,
)
from retainer_tui.services.catalog import TierInfo, read_tiers
from retainer_tui.services.entry_common import check_field as _check
from retainer_tui.services.errors import FormInvalid
from retainer_tui.services.pipeline_models import (
    PipelineChange,
    PipelineError,
    Prospect,
    TierNeeded,
    default_recommendation,
)
from retainer_tui.services.pipeline_read import (
    _currency,
    _metric_labels,
    _read_prospect,
    _session_of,
)
from retainer_tui.services.pipeline_write import (
    _set_client,
    _set_prospect,
    _stage_values,
    _tier_exists,
    _tier_name,
)
from retainer_tui.services.undo import Recorder, UndoStack, record


@dataclass(frozen=True, slots=True)
class ProposalContext:
    """What the proposal screen needs: the prospect, the tiers, the currency, the labels."""

    prospect: Prospect
    tiers: tuple[TierInfo, ...]
    currency: str
    metric_labels: Mapping[str, str]
    sender: Sender | None = None

    @property
    def default_tier_id(self) -> int | None:
        return default_recommendation(self.prospect, self.tiers)

    def email(
        self, recommended_tier_id: int | None = None, *, markdown: bool = False
    ) -> ProposalEmail:
        """The generated email recommending the tier (default: the stored recommendation)."""
        if not self.tiers:
            raise TierNeeded("Add a tier first: a proposal offers tiers (T on the dashboard)")
        tier_id = recommended_tier_id or self.default_tier_id
        recommended = next((t for t in self.tiers if t.id == tier_id), self.tiers[-1])
        p = self.prospect
        data = ProposalInput(
            client=p.name,
            company=p.company,
            decision_maker=p.decision_maker,
            tiers=choose_offers([t.offer() for t in self.tiers], recommended.name),
            recommended=recommended.name,
            currency=self.currency,
            goals=p.goals,
            targets=tuple((self.metric_labels.get(k, k), t) for k, t in p.targets),
            extra_services=p.extra_services,
            billing_day=p.billing_day,
            sender=self.sender,
        )
        return proposal_email(data, markdown=markdown)

    def stored_or_generated(self, *, markdown: bool | None = None) -> ProposalEmail:
        """The text last saved (edits kept) when in the asked format, else a fresh one."""
        p = self.prospect
        fmt = p.proposal_markdown if markdown is None else markdown
        if p.proposal_body and p.proposal_markdown == fmt:
            return ProposalEmail(p.proposal_subject, p.proposal_body, fmt)
        return self.email(markdown=fmt)


def proposal_context(
    db: Database, *, client_id: int, sender: Sender | None = None
) -> ProposalContext:
    """What the proposal needs; sender (the user's profile) signs the email."""
    with db.reading() as session:
        return ProposalContext(
            prospect=_read_prospect(session, client_id),
            tiers=read_tiers(session, offered=True),
            currency=_currency(session),
            metric_labels=_metric_labels(session),
            sender=sender,
        )


def save_proposal(
    db: Database,
    *,
    client_id: int,
    recommended_tier_id: int,
    subject: str,
    body: str,
    markdown: bool,
    today: date,
    sent_on: date | None = None,
    undo: UndoStack | None = None,
) -> PipelineChange:
    """Keep the (edited) proposal and its recommended tier; with sent_on, record it as sent
    and move a prospect that had not got that far to 'proposal sent'."""
    errors: dict[str, str] = {}
    clean_subject = _check(errors, "subject", lambda: v.name(subject, "subject"))
    clean_body = _check(errors, "body", lambda: v.long_text(body, "the email"))
    if not errors and not (clean_body or "").strip():
        errors["body"] = "the email is empty"
    if errors:
        raise FormInvalid(errors)
    with db.writing() as conn:
        session = _session_of(conn)
        p = _read_prospect(session, client_id)
        if not _tier_exists(session, recommended_tier_id):
            raise FormInvalid({"tier": "that tier no longer exists"})
        rec = Recorder(conn)
        values: dict[str, Any] = {
            "recommended_tier_id": recommended_tier_id,
            "proposal_subject": clean_subject,
            "proposal_body": clean_body or "",
            "proposal_markdown": bool(markdown),
        }
        message = f"Saved the proposal for {p.name}"
        stage = p.stage
        if sent_on is not None:
            values["proposal_sent_on"] = sent_on
            message = f"Proposal to {p.name} marked sent on {sent_on.isoformat()}"
            if p.stage.is_open and STAGES.index(p.stage) < STAGES.index(Stage.PROPOSAL_SENT):
                stage = Stage.PROPOSAL_SENT
                _set_client(session, rec, p.id, _stage_values(stage, sent_on))
                message += ": follow up in 3 days"
        _set_prospect(session, rec, p.id, values)
        change = rec.finish(f"the proposal for {p.name}")
    return PipelineChange(client_id, p.name, stage, message, record(undo, change))


def default_proposal_path(client: str, *, markdown: bool, folder: Path) -> Path:
    """folder/client-proposal.md (or .txt; the app offers the documents folder)."""
    return folder / proposal_file_name(client, markdown=markdown)


def export_proposal(
    path: Path,
    *,
    subject: str,
    body: str,
    markdown: bool,
    database: Path | None = None,
    backups: Path | None = None,
    documents: Path | None = None,
    overwrite: bool = True,
) -> Path:
    """Write the proposal (subject first) to a file readable by its owner only, by the same
    rules as a report's export (ExportExists when overwrite=False meets a file)."""
    from retainer_tui.services.reports import ExportExists, ReportError, export_report

    text = proposal_document(subject, body, markdown=markdown)
    try:
        return export_report(
            path,
            text,
            database=database,
            backups=backups,
            documents=documents,
            overwrite=overwrite,
        )
    except ExportExists:
        raise
    except ReportError as exc:
        raise PipelineError(str(exc)) from None


def choose_tier(
    db: Database, *, client_id: int, tier_id: int, today: date, undo: UndoStack | None = None
) -> PipelineChange:
    """The client confirmed a tier: store it, and move on to 'tier chosen' if not there yet."""
    with db.writing() as conn:
        session = _session_of(conn)
        p = _read_prospect(session, client_id)
        if not _tier_exists(session, tier_id):
            raise FormInvalid({"tier": "that tier no longer exists"})
        rec = Recorder(conn)
        _set_prospect(session, rec, p.id, {"chosen_tier_id": tier_id})
        stage = p.stage
        if p.stage.is_open and STAGES.index(p.stage) < STAGES.index(Stage.TIER_CHOSEN):
            stage = Stage.TIER_CHOSEN
            _set_client(session, rec, p.id, _stage_values(stage, today))
        name = _tier_name(session, tier_id)
        change = rec.finish(f"{p.name} choosing {name}")
    return PipelineChange(client_id, p.name, stage, f"{p.name} chose {name}", record(undo, change))
