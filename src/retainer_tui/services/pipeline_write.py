"""The steps every pipeline write is made of: set a prospect's client and prospect rows
(recorded for undo), add its targets as goals, check a typed field.

A prospect's stage, next action and date live on its client row; the rest (discovery
notes, proposal, paid trial, outcome) in its `prospect` row, created on first write.
SQLAlchemy and the table classes are imported inside the functions, so that importing
this module stays cheap for the screens.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from retainer_tui.db.statements import json_stored
from retainer_tui.domain.month import Month
from retainer_tui.domain.pipeline import Stage, default_next_action
from retainer_tui.services.pipeline_models import Prospect
from retainer_tui.services.undo import Recorder

if TYPE_CHECKING:
    from sqlmodel import Session


def _stored_json(value: Any) -> Any:
    """A JSON value to write, as the text json.dumps(ensure_ascii=False) gives (the JSON
    type would escape every non-ASCII letter, and the stored text is kept as it was)."""

    return json_stored(json.dumps(value, ensure_ascii=False))


def _ensure_prospect_row(session: Session, rec: Recorder, client_id: int) -> None:
    from retainer_tui.db.models import Prospect as Row
    from retainer_tui.db.statements import upsert

    rec.touch("prospect", (client_id,))
    session.execute(upsert(session, Row, keys=["client_id"], update=[]), [{"client_id": client_id}])


def _set_prospect(
    session: Session, rec: Recorder, client_id: int, values: Mapping[str, Any]
) -> None:
    from sqlalchemy import update
    from sqlmodel import col

    from retainer_tui.db.models import Prospect as Row

    _ensure_prospect_row(session, rec, client_id)
    if values:
        session.execute(
            update(Row)
            .where(col(Row.client_id) == client_id)
            .values({c: _sql_value(value) for c, value in values.items()})
        )


def _set_client(session: Session, rec: Recorder, client_id: int, values: Mapping[str, Any]) -> None:
    from sqlalchemy import update
    from sqlmodel import col

    from retainer_tui.db.models import Client, with_name_key

    rec.touch("client", (client_id,))
    session.execute(
        update(Client)
        .where(col(Client.id) == client_id)
        .values(with_name_key({c: _sql_value(value) for c, value in values.items()}))
    )


def _sql_value(value: Any) -> Any:
    """A value as its column stores it (dates stay dates: the Date type writes them)."""
    if isinstance(value, Month | Stage):
        return str(value)
    if isinstance(value, dict | list):
        return _stored_json(value)
    return value


def _stage_values(stage: Stage, today: date, *, trial_end: date | None = None) -> dict[str, Any]:
    action, on = default_next_action(stage, today, trial_end=trial_end)
    return {"stage": stage.value, "next_action": action, "next_action_on": on}


def _tier_exists(session: Session, tier_id: int | None) -> bool:
    from sqlmodel import select

    from retainer_tui.db.models import Tier

    return tier_id is not None and (
        session.execute(select(Tier.id).where(Tier.id == tier_id)).first() is not None
    )


def _tier_name(session: Session, tier_id: int) -> str:
    from sqlmodel import select

    from retainer_tui.db.models import Tier

    return session.execute(select(Tier.name).where(Tier.id == tier_id)).scalar_one()


def _insert_goals(session: Session, rec: Recorder, p: Prospect, month: Month) -> list[str]:
    """The prospect's monthly targets as goals from the month, unless one is already in
    force for that metric (a trial's goals carry forward into the retainer)."""
    from sqlmodel import select

    from retainer_tui.db.models import Goal, Metric
    from retainer_tui.db.statements import upsert

    known = set(session.execute(select(Metric.key)).scalars())
    added = []
    for key, target in p.targets:
        if key not in known:
            continue
        in_force = select(Goal.target).where(
            Goal.client_id == p.id, Goal.metric_key == key, Goal.month <= str(month)
        )
        if session.execute(in_force.limit(1)).first() is not None:
            continue
        rec.touch("goal", (p.id, key, str(month)))
        session.execute(
            upsert(session, Goal, keys=["client_id", "metric_key", "month"], update=["target"]),
            [{"client_id": p.id, "metric_key": key, "month": str(month), "target": target}],
        )
        added.append(key)
    return added
