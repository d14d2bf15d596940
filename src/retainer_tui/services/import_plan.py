"""What an import works from: the stored names, keys and rows the file can refer to (read
in one Core select each, built from the table classes) and the checked plan of what the
file holds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from retainer_tui.db.statements import session_of
from retainer_tui.domain.clients import ClientStatus, ServiceType
from retainer_tui.domain.names import name_key

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, Table
    from sqlmodel import Session

    from retainer_tui.db.statements import RawConnection

DEFAULT_STATUS = ClientStatus.ACTIVE.value
DEFAULT_SERVICE_TYPE = ServiceType.SOCIAL_MEDIA.value

# A client's columns after id, name and tier_id, with what a new client gets when the
# file leaves one out.
CLIENT_DEFAULTS: dict[str, Any] = {
    "company": "",
    "decision_maker": "",
    "email": "",
    "phone": "",
    "service_type": DEFAULT_SERVICE_TYPE,
    "fee_override_cents": None,
    "billing_day": 1,
    "report_due_day": 5,
    "start_month": None,
    "end_month": None,
    "tracked_from": None,
    "status": DEFAULT_STATUS,
    "notes": "",
    "stage": "",
    "next_action": "",
    "next_action_on": None,
    "objections": "",
}
CLIENT_FIELD_COLUMNS = tuple(CLIENT_DEFAULTS)
TIER_DEFAULTS: dict[str, Any] = {
    "monthly_fee_cents": 0,
    "included_hours": 0,
    "services": "[]",
    "description": "",
}
TIER_COLUMNS = tuple(TIER_DEFAULTS)


@dataclass(frozen=True, slots=True)
class StoredClient:
    id: int
    name: str
    tier_id: int | None
    fields: dict[str, Any]  # CLIENT_FIELD_COLUMNS -> stored value


@dataclass(frozen=True, slots=True)
class StoredTier:
    id: int
    name: str
    fields: dict[str, Any]  # TIER_COLUMNS -> stored value
    goals: dict[str, int]  # metric -> default target


@dataclass(slots=True)
class Context:
    """The names and keys the file can refer to, and the rows it can match."""

    currency: str
    metrics: dict[str, tuple[bool, str, str]]  # key -> (built-in, label, unit)
    metric_position: int
    tiers: dict[str, StoredTier]  # name_key -> tier
    tier_max_id: int
    tier_position: int
    clients: dict[str, StoredClient]  # name_key -> client (keys held by one client)
    ambiguous: dict[str, dict[str, StoredClient]]  # name_key -> stored name -> client
    client_max_id: int
    fresh: bool = False  # created for this import: it holds nothing yet

    def holds_data(self) -> bool:
        """A client, a metric of the user's own, or tiers other than the three a new
        database comes with (exactly as it has them): what a currency must not relabel."""
        if self.fresh:
            return False
        if self.clients or self.ambiguous:
            return True
        if any(not builtin for builtin, _, _ in self.metrics.values()):
            return True
        return _tier_shape(self) != _new_database_tiers()

    def without_tiers(self) -> Context:
        """The context of a database created for the import, its default tiers gone."""
        return Context(
            self.currency, self.metrics, self.metric_position, {}, 0, -1, {}, {}, 0, fresh=True
        )


def stored_columns(table: Table, names: tuple[str, ...]) -> list[ColumnElement[Any]]:
    """The columns as their stored values, the form the file's checked values take:
    dates as their 'YYYY-MM-DD' text and JSON as its text (not parsed by the column
    type), so that a stored row and the file's compare equal when they are."""
    from sqlalchemy import JSON, Date

    from retainer_tui.db.statements import as_text

    return [
        as_text(c).label(c.name) if isinstance(c.type, (Date, JSON)) else c
        for c in (table.c[name] for name in names)
    ]


def with_dates(table: Table, values: Mapping[str, Any]) -> dict[str, Any]:
    """A row's values with the plan's ISO text of each date column as a date (the Date
    type stores it as the same text)."""
    from sqlalchemy import Date

    out = dict(values)
    for name, value in values.items():
        if isinstance(value, str) and isinstance(table.c[name].type, Date):
            out[name] = date.fromisoformat(value)
    return out


def row_values(table: Table, values: Mapping[str, Any]) -> dict[str, Any]:
    """One row's values for .values(): dates as dates, JSON text written as it is (the
    JSON type would encode it again, and escape what the stored text does not)."""
    from sqlalchemy import JSON

    from retainer_tui.db.statements import json_stored

    out = with_dates(table, values)
    for name, value in values.items():
        if value is not None and isinstance(table.c[name].type, JSON):
            out[name] = json_stored(value)
    return out


def read_context(conn: Session | RawConnection) -> Context:
    """Everything the checks and the merge compare against, in one query per table."""
    from sqlalchemy import func, select

    from retainer_tui.db.models import metadata

    db = session_of(conn).connection()
    meta, metric, tier_goal = (metadata.tables[n] for n in ("meta", "metric", "tier_goal"))
    tier_t, client_t = metadata.tables["tier"], metadata.tables["client"]
    currency = db.execute(select(meta.c.value).where(meta.c.key == "currency")).scalar()
    metrics = {
        key: (bool(builtin), label, unit)
        for key, builtin, label, unit in db.execute(
            select(metric.c.key, metric.c.builtin, metric.c.label, metric.c.unit)
        )
    }
    metric_position = db.execute(
        select(func.coalesce(func.max(metric.c.position), -1))
    ).scalar_one()
    goals: dict[int, dict[str, int]] = {}
    for tier_id, key, target in db.execute(
        select(tier_goal.c.tier_id, tier_goal.c.metric_key, tier_goal.c.target)
    ):
        goals.setdefault(tier_id, {})[key] = target
    tiers = {
        name_key(row[1]): StoredTier(
            row[0], row[1], dict(zip(TIER_COLUMNS, row[2:], strict=True)), goals.get(row[0], {})
        )
        for row in db.execute(
            select(tier_t.c.id, tier_t.c.name, *stored_columns(tier_t, TIER_COLUMNS))
        )
    }
    tier_max_id, tier_position = db.execute(
        select(
            func.coalesce(func.max(tier_t.c.id), 0), func.coalesce(func.max(tier_t.c.position), -1)
        )
    ).one()
    clients: dict[str, StoredClient] = {}
    ambiguous: dict[str, dict[str, StoredClient]] = {}
    for row in db.execute(
        select(
            client_t.c.id,
            client_t.c.name,
            client_t.c.tier_id,
            *stored_columns(client_t, CLIENT_FIELD_COLUMNS),
        )
    ):
        client = StoredClient(
            row[0], row[1], row[2], dict(zip(CLIENT_FIELD_COLUMNS, row[3:], strict=True))
        )
        key = name_key(client.name)
        if key in ambiguous:
            ambiguous[key][client.name] = client
        elif key in clients:
            other = clients.pop(key)
            ambiguous[key] = {other.name: other, client.name: client}
        else:
            clients[key] = client
    client_max_id = db.execute(select(func.coalesce(func.max(client_t.c.id), 0))).scalar_one()
    return Context(
        "" if currency is None else currency,
        metrics,
        metric_position,
        tiers,
        tier_max_id,
        tier_position,
        clients,
        ambiguous,
        client_max_id,
    )


def _tier_shape(ctx: Context) -> list[tuple[Any, ...]]:
    return sorted(
        (t.name, *t.fields.values(), tuple(sorted(t.goals.items()))) for t in ctx.tiers.values()
    )


@lru_cache(maxsize=1)
def _new_database_tiers() -> list[tuple[Any, ...]]:
    """The tiers a database gets when it is created (from the migrations themselves)."""
    import tempfile
    from pathlib import Path

    from retainer_tui.db.migrate import open_database

    with tempfile.TemporaryDirectory(prefix="retainer-reference-") as folder:
        db = open_database(Path(folder) / "new.db")
        try:
            with db.reading() as session:
                return _tier_shape(read_context(session))
        finally:
            db.dispose()


# ---------------------------------------------------------------- the checked plan


@dataclass(slots=True)
class MetricPlan:
    key: str
    label: str | None  # None: not in the file (kept)
    unit: str | None


@dataclass(slots=True)
class TierPlan:
    name: str
    key: str  # name_key(name)
    values: dict[str, Any]  # TIER_COLUMNS given in the file
    goals: list[tuple[str, int]] | None  # metric, default target; None: not in the file


@dataclass(slots=True)
class ClientPlan:
    name: str
    key: str  # name_key(name)
    stored: StoredClient | None  # the stored client it matches
    tier_given: bool = False
    tier: str | None = None  # name_key of the tier
    values: dict[str, Any] = field(default_factory=dict)  # CLIENT_FIELD_COLUMNS given
    goals: list[tuple[str, str, int]] = field(default_factory=list)  # metric, month, target
    results: list[tuple[str, str, int]] = field(default_factory=list)
    hours: list[tuple[str, int]] = field(default_factory=list)
    payments: list[tuple[str, int, str]] = field(default_factory=list)
    reports: list[tuple[str, str | None, str]] = field(default_factory=list)
    prospect: Any = None  # a pipeline_data.ProspectPlan
    prospect_cleared: tuple[str, ...] = ()  # prospect keys the file gives as empty


@dataclass(slots=True)
class Plan:
    currency: str | None = None
    metrics: list[MetricPlan] = field(default_factory=list)
    tiers: list[TierPlan] = field(default_factory=list)
    clients: list[ClientPlan] = field(default_factory=list)
