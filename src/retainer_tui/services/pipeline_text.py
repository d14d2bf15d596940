"""`retainer pipeline`: the pipeline's figures and prospects as a JSON object or a table."""

from __future__ import annotations

from typing import Any

from retainer_tui.domain.money import decimal_string, format_money
from retainer_tui.domain.pipeline import ALL_STAGES, Stage, conversion_text
from retainer_tui.domain.terminal_text import visible
from retainer_tui.services.pipeline import PipelineView, Prospect


def _rate(view: PipelineView) -> float | None:
    rate = view.figures.trial_conversion
    return None if rate is None else round(float(rate), 4)


def _prospect(p: Prospect, view: PipelineView) -> dict[str, Any]:
    trial = None
    if p.trial_start is not None or p.trial_fee_cents is not None:
        trial = {
            "fee": None if p.trial_fee_cents is None else decimal_string(p.trial_fee_cents),
            "start": p.trial_start.isoformat() if p.trial_start else None,
            "end": p.trial_end.isoformat() if p.trial_end else None,
            "criteria": p.trial_criteria,
            "outcome": p.trial_outcome,
        }
    return {
        "name": p.name,
        "company": p.company,
        "decision_maker": p.decision_maker,
        "status": str(p.status),
        "stage": p.stage.value,
        "tier": p.tier,
        "recommended_tier": p.recommended_tier,
        "chosen_tier": p.chosen_tier,
        "monthly_fee": decimal_string(p.value_cents),
        "next_action": p.next_action,
        "next_action_on": p.next_action_on.isoformat() if p.next_action_on else None,
        "overdue": p.overdue(view.as_of),
        "proposal_sent_on": p.proposal_sent_on.isoformat() if p.proposal_sent_on else None,
        "objections": [
            {"kind": o.kind.value, "text": o.text, "answer": o.answer} for o in p.objections
        ],
        "trial": trial,
        "lost_reason": p.lost_reason or None,
    }


def pipeline_object(view: PipelineView) -> dict[str, Any]:
    """The `retainer pipeline --json` object; money as decimal strings."""
    f = view.figures
    return {
        "as_of": view.as_of.isoformat(),
        "currency": view.currency,
        "stages": [
            {
                "stage": s.stage.value,
                "label": s.stage.description,
                "count": s.count,
                "value": decimal_string(s.value_cents),
            }
            for s in f.by_stage
        ],
        "open_proposals": {
            "count": f.open_proposals,
            "value": decimal_string(f.open_proposals_value_cents),
        },
        "trials": {
            "retained": f.trials_retained,
            "lost": f.trials_lost,
            "conversion_rate": _rate(view),
        },
        "guaranteed_monthly_income": decimal_string(f.guaranteed_cents),
        "guaranteed_if_all_sign": decimal_string(f.guaranteed_if_all_sign_cents),
        "prospects": [_prospect(p, view) for p in view.prospects],
    }


def _money(cents: int, currency: str) -> str:
    return format_money(cents, currency, cents_shown=cents % 100 != 0)


def pipeline_table(view: PipelineView) -> str:
    """The pipeline for a terminal: figures by stage, then prospects grouped by stage.

    Every text from the database (names, tiers, actions, the currency) is shown escaped."""
    f, cur = view.figures, view.currency
    lines = [visible(f"Pipeline as of {view.as_of.isoformat()} ({cur})"), ""]
    lines.append(f"{'Stage':<18} {'Prospects':>9} {'Value/mo':>12}")
    for s in f.by_stage:
        lines.append(visible(f"{s.stage.label:<18} {s.count:>9} {_money(s.value_cents, cur):>12}"))
    lines.append("")
    lines.append(f"Trial → retainer: {conversion_text(f)}")
    lines.append(
        visible(
            f"Guaranteed monthly income: {_money(f.guaranteed_cents, cur)}; "
            f"{_money(f.guaranteed_if_all_sign_cents, cur)} if every open proposal signs "
            f"({f.open_proposals} open, {_money(f.open_proposals_value_cents, cur)})"
        )
    )
    if not view.prospects:
        lines.append("")
        lines.append("No prospects yet: add one with n on the pipeline screen (P).")
        return "\n".join(lines)
    width = min(28, max(len(visible(p.name)) for p in view.prospects))
    for stage in ALL_STAGES:
        group = view.in_stage(stage)
        if not group:
            continue
        lines.append("")
        lines.append(f"{stage.label} ({len(group)})")
        for p in group:
            lines.append("  " + _row(p, view, width))
    return "\n".join(lines)


def _row(p: Prospect, view: PipelineView, width: int) -> str:
    shown = visible(p.name)
    name = shown if len(shown) <= width else shown[: width - 1] + "…"
    tier = visible(p.tier or "—")
    fee = visible(_money(p.value_cents, view.currency)) if p.value_cents else "—"
    if p.stage is Stage.LOST:
        what = f"lost: {visible(p.lost_reason)}" if p.lost_reason else "lost"
    elif p.stage is Stage.RETAINED:
        what = f"retained {p.retained_on.isoformat()}" if p.retained_on else "retained"
    else:
        when = p.next_action_on.isoformat() if p.next_action_on else "no date"
        flag = "OVERDUE " if p.overdue(view.as_of) else ""
        what = f"{flag}{when}  {visible(p.next_action or '(no next action)')}"
    return f"{name:<{width}}  {tier:<8} {fee:>10}  {what}"
