"""Metrics: a user-defined metric added at the end of the catalogue.

Like every entry module it imports SQLAlchemy inside its functions (services.entries).
"""

from __future__ import annotations

from dataclasses import dataclass

from retainer_tui.db.engine import Database
from retainer_tui.domain import validation as v
from retainer_tui.services.entry_common import block_session as _session
from retainer_tui.services.errors import FormInvalid
from retainer_tui.services.undo import Change, Recorder, UndoStack, record


@dataclass(frozen=True, slots=True)
class MetricAdded:
    key: str
    label: str
    unit: str
    change: Change


def add_metric(
    db: Database, *, key: str, label: str, unit: str = "", undo: UndoStack | None = None
) -> MetricAdded:
    """Add a user-defined metric (key, label, unit) at the end of the catalogue."""
    from sqlalchemy import func, insert, select
    from sqlmodel import col

    from retainer_tui.db.models import Metric

    errors: dict[str, str] = {}
    clean: dict[str, str] = {}
    for field, read in (
        ("key", lambda: v.metric_key(key.strip().lower() if isinstance(key, str) else key)),
        ("label", lambda: v.name(label, "label")),
        ("unit", lambda: v.optional_line(unit, "unit")),
    ):
        try:
            clean[field] = read()
        except v.InvalidValue as exc:
            errors[field] = str(exc)
    with db.writing() as conn:
        session = _session(conn)
        if (
            "key" in clean
            and session.execute(
                select(col(Metric.key)).where(col(Metric.key) == clean["key"])
            ).first()
        ):
            errors["key"] = f"there is already a metric with key {clean['key']!r}"
        if "label" in clean:
            # Labels differ in more than case (casefold, wider than SQL's ASCII NOCASE).
            wanted = clean["label"].casefold()
            labels = session.execute(select(col(Metric.label))).scalars()
            if any(str(lbl).casefold() == wanted for lbl in labels):
                errors["label"] = f"there is already a metric called {clean['label']!r}"
        if errors:
            raise FormInvalid(errors)
        rec = Recorder(conn)
        position = session.execute(
            select(func.coalesce(func.max(col(Metric.position)), -1) + 1)
        ).scalar_one()
        session.execute(
            insert(Metric).values(
                key=clean["key"],
                label=clean["label"],
                unit=clean["unit"],
                builtin=False,
                position=position,
            )
        )
        rec.mark_new("metric", (clean["key"],))
        change = rec.finish(f"new metric {clean['label']}")
    return MetricAdded(clean["key"], clean["label"], clean["unit"], record(undo, change))
