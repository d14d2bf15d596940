"""A client's prospect row and objections in an import's merge: what the file wants
(its keys mapped to columns, tiers to ids), compared with what is stored, counted, and
written when the merge writes."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from retainer_tui.db.models import metadata
from retainer_tui.db.statements import upsert
from retainer_tui.services.data_file import Count
from retainer_tui.services.import_plan import ClientPlan, row_values

if TYPE_CHECKING:
    from sqlalchemy.sql.dml import Insert
    from sqlmodel import Session

# A prospect row's columns and what a new row holds (the table's own defaults).
PROSPECT_DEFAULTS: dict[str, Any] = {
    "workload": "", "goals": "", "targets": "{}", "extra_services": "[]",
    "recommended_tier_id": None, "chosen_tier_id": None, "proposal_sent_on": None,
    "proposal_subject": "", "proposal_body": "", "proposal_markdown": False,
    "trial_fee_cents": None, "trial_start": None, "trial_end": None, "trial_criteria": "",
    "trial_outcome": None, "retained_on": None, "lost_reason": "", "lost_from": "",
    "lost_on": None,
}  # fmt: skip
# Data-file keys of [clients.prospect] stored under another column name.
PROSPECT_COLUMN = {
    "proposal_sent": "proposal_sent_on",
    "retained": "retained_on",
    "lost": "lost_on",
    "trial_fee": "trial_fee_cents",
    "recommended_tier": "recommended_tier_id",
    "chosen_tier": "chosen_tier_id",
}
_JSON_COLUMNS = ("targets", "extra_services")


def _wanted_prospect(c: ClientPlan, base: dict[str, Any], tier_ids: dict[str, int]) -> dict:
    wanted = dict(base)
    for key in c.prospect_cleared:
        column = PROSPECT_COLUMN.get(key, key)
        wanted[column] = PROSPECT_DEFAULTS[column]
    wanted.update(c.prospect.values)
    for attr in ("recommended_tier", "chosen_tier"):
        tier = getattr(c.prospect, attr)
        if tier is not None:
            wanted[f"{attr}_id"] = tier_ids[tier]
    return wanted


def _comparable(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    for column in _JSON_COLUMNS:
        out[column] = json.loads(out[column]) if out.get(column) else None
    out["proposal_markdown"] = bool(out.get("proposal_markdown"))
    return out


def _stored_prospect(rows: list[tuple[Any, ...]]) -> dict[str, Any] | None:
    if not rows:
        return None
    return dict(zip(PROSPECT_DEFAULTS, rows[0], strict=True))


def merge_prospect(
    session: Session,
    cid: int,
    c: ClientPlan,
    rows: list[tuple[Any, ...]],
    tier_ids: dict[str, int],
    count: Count,
    write: bool,
) -> None:
    stored = _stored_prospect(rows)
    wanted = _wanted_prospect(c, stored or PROSPECT_DEFAULTS, tier_ids)
    before = None if stored is None else _comparable(stored)
    if count.one(before, _comparable(wanted)) and write:
        prospect = metadata.tables["prospect"]
        stmt: Insert = upsert(session, prospect, keys=["client_id"], update=list(wanted))
        session.execute(stmt.values(client_id=cid, **row_values(prospect, wanted)))


def merge_objections(
    session: Session,
    cid: int,
    c: ClientPlan,
    rows: list[tuple[Any, ...]],
    count: Count,
    write: bool,
) -> None:
    """An objection is matched by its text: its kind and answer are updated, a new one is
    added after the stored ones, and none is deleted."""
    by_text = {text: (position, kind, answer) for position, kind, text, answer in rows}
    position = max((r[0] for r in rows), default=-1)
    changes = []
    for kind, text, answer in c.prospect.objections:
        stored = by_text.get(text)
        if count.one(None if stored is None else stored[1:], (kind, answer)):
            if stored is None:
                position += 1
                by_text[text] = (position, kind, answer)
            changes.append(
                {
                    "client_id": cid,
                    "position": by_text[text][0],
                    "kind": kind,
                    "text": text,
                    "answer": answer,
                }
            )
    if write and changes:
        objection = metadata.tables["objection"]
        stmt = upsert(session, objection, keys=["client_id", "position"], update=["kind", "answer"])
        session.execute(stmt, changes)


def count_replaced_prospect(
    c: ClientPlan,
    rows: list[tuple[Any, ...]],
    objections: list[tuple[Any, ...]],
    tier_ids: dict[str, int],
    counts: dict[str, Count],
) -> None:
    stored = _stored_prospect(rows)
    given = c.prospect
    if given is None:
        counts["prospects"].removed += stored is not None
        counts["objections"].removed += len(objections)
        return
    wanted = _wanted_prospect(c, PROSPECT_DEFAULTS, tier_ids)
    counts["prospects"].one(None if stored is None else _comparable(stored), _comparable(wanted))
    have = {text: (kind, answer) for _, kind, text, answer in objections}
    for kind, text, answer in given.objections:
        counts["objections"].one(have.get(text), (kind, answer))
    counts["objections"].removed += len(have.keys() - {o[1] for o in given.objections})
