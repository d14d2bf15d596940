"""SQLModel tables. Months are 'YYYY-MM' text (sorts right), money is integer cents."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import JSON, Column, Index, MetaData, UniqueConstraint
from sqlalchemy import text as sql_text
from sqlmodel import AutoString, Field, SQLModel

# Stable constraint names so Alembic batch migrations on SQLite can find them.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


class Meta(SQLModel, table=True):
    """Per-database facts such as the currency."""

    __tablename__ = "meta"
    key: str = Field(primary_key=True)
    value: str


def _name_key_of_row(context: Any) -> str:
    """A new row's name key, from its name (Core inserts and executemany alike)."""
    from retainer_tui.domain.names import name_key

    return name_key(context.get_current_parameters()["name"])


def name_key_column() -> Column[str]:
    """Names are unique by their key (NFC, full case folding: domain/names.py), stored
    beside them under a unique index; an update that changes a name sets its key too."""
    return Column("name_key", AutoString, nullable=True, default=_name_key_of_row)


def with_name_key(values: Mapping[str, Any]) -> dict[str, Any]:
    """An UPDATE's values, with the name's key when the name is among them (inserts get
    it from the column's default)."""
    from retainer_tui.domain.names import name_key

    out = dict(values)
    if "name" in out:
        out["name_key"] = name_key(out["name"])
    return out


class Tier(SQLModel, table=True):
    __tablename__ = "tier"
    __table_args__ = (UniqueConstraint("name"), Index("ix_tier_name_key", "name_key", unique=True))
    id: int | None = Field(default=None, primary_key=True)
    name: str
    name_key: str | None = Field(default=None, sa_column=name_key_column())
    monthly_fee_cents: int
    included_hours: int = 0
    services: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    description: str = ""
    position: int = 0


class Metric(SQLModel, table=True):
    __tablename__ = "metric"
    key: str = Field(primary_key=True)
    label: str
    unit: str = ""
    builtin: bool = False
    position: int = 0


class TierGoal(SQLModel, table=True):
    """A tier's default monthly target for a metric, offered on a client's goals screen."""

    __tablename__ = "tier_goal"
    __table_args__ = ({"sqlite_with_rowid": False},)
    tier_id: int = Field(foreign_key="tier.id", primary_key=True, ondelete="CASCADE")
    metric_key: str = Field(foreign_key="metric.key", primary_key=True, ondelete="RESTRICT")
    target: int


class Client(SQLModel, table=True):
    __tablename__ = "client"
    __table_args__ = (
        UniqueConstraint("name"),
        Index("ix_client_name_key", "name_key", unique=True),
        Index("ix_client_status", "status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    name: str
    name_key: str | None = Field(default=None, sa_column=name_key_column())
    company: str = ""
    decision_maker: str = ""
    email: str = ""
    phone: str = ""
    service_type: str = "social media"
    tier_id: int | None = Field(default=None, foreign_key="tier.id", ondelete="RESTRICT")
    fee_override_cents: int | None = None
    billing_day: int = 1
    report_due_day: int = 5
    start_month: str | None = None
    end_month: str | None = None
    # The first month reports and payments are owed for; None: the start month.
    tracked_from: str | None = None
    status: str = "active"
    notes: str = ""
    # Prospect pipeline fields.
    stage: str = ""
    next_action: str = ""
    next_action_on: date | None = None
    objections: str = ""


class Goal(SQLModel, table=True):
    """A target for a metric from a month on (carried forward until changed)."""

    __tablename__ = "goal"
    __table_args__ = ({"sqlite_with_rowid": False},)
    client_id: int = Field(foreign_key="client.id", primary_key=True, ondelete="CASCADE")
    metric_key: str = Field(foreign_key="metric.key", primary_key=True, ondelete="RESTRICT")
    month: str = Field(primary_key=True)
    target: int


class Result(SQLModel, table=True):
    """What was delivered for a client, metric and month."""

    __tablename__ = "result"
    __table_args__ = (
        Index("ix_result_month_cover", "month", "client_id", "metric_key", "actual"),
        {"sqlite_with_rowid": False},
    )
    client_id: int = Field(foreign_key="client.id", primary_key=True, ondelete="CASCADE")
    metric_key: str = Field(foreign_key="metric.key", primary_key=True, ondelete="RESTRICT")
    month: str = Field(primary_key=True)
    actual: int


class Hours(SQLModel, table=True):
    """Hours worked for a client in a month, in hundredths of an hour (exact)."""

    __tablename__ = "hours"
    __table_args__ = (
        Index("ix_hours_month_cover", "month", "client_id", "hours_x100"),
        {"sqlite_with_rowid": False},
    )
    client_id: int = Field(foreign_key="client.id", primary_key=True, ondelete="CASCADE")
    month: str = Field(primary_key=True)
    hours_x100: int


class Payment(SQLModel, table=True):
    """A retainer received for a month."""

    __tablename__ = "payment"
    __table_args__ = (
        Index("ix_payment_month_cover", "month", "client_id", "received_on"),
        {"sqlite_with_rowid": False},
    )
    client_id: int = Field(foreign_key="client.id", primary_key=True, ondelete="CASCADE")
    month: str = Field(primary_key=True)
    amount_cents: int
    received_on: date


class Report(SQLModel, table=True):
    """A monthly progress report: its highlights and, once sent, the date."""

    __tablename__ = "report"
    __table_args__ = (
        Index("ix_report_month_cover", "month", "client_id", "sent_on"),
        {"sqlite_with_rowid": False},
    )
    client_id: int = Field(foreign_key="client.id", primary_key=True, ondelete="CASCADE")
    month: str = Field(primary_key=True)
    sent_on: date | None = None
    highlights: str = ""


class Prospect(SQLModel, table=True):
    """A prospect's way through the pipeline: discovery, proposal, paid trial, outcome.

    The stage itself, the next action and its date live on the client row.
    """

    __tablename__ = "prospect"
    client_id: int = Field(foreign_key="client.id", primary_key=True, ondelete="CASCADE")
    # Discovery: the expected workload and goals for the next 3-6 months.
    workload: str = Field(default="", sa_column_kwargs={"server_default": ""})
    goals: str = Field(default="", sa_column_kwargs={"server_default": ""})
    # Measurable goals, metric key -> monthly target: the trial's success criteria and
    # the retainer's first targets.
    targets: dict[str, int] = Field(
        default_factory=dict,
        sa_column=Column(JSON, nullable=False, server_default=sql_text("'{}'")),
    )
    extra_services: list[str] = Field(
        default_factory=list,
        sa_column=Column(JSON, nullable=False, server_default=sql_text("'[]'")),
    )
    # Proposal: three tiers, one recommended; the client then chooses one.
    recommended_tier_id: int | None = Field(
        default=None, foreign_key="tier.id", ondelete="SET NULL"
    )
    chosen_tier_id: int | None = Field(default=None, foreign_key="tier.id", ondelete="SET NULL")
    proposal_sent_on: date | None = None
    proposal_subject: str = Field(default="", sa_column_kwargs={"server_default": ""})
    proposal_body: str = Field(default="", sa_column_kwargs={"server_default": ""})
    proposal_markdown: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    # Paid trial (never free): a one-off fee for a span of days.
    trial_fee_cents: int | None = None
    trial_start: date | None = None
    trial_end: date | None = None
    trial_criteria: str = Field(default="", sa_column_kwargs={"server_default": ""})
    # 'retained' or 'lost' once the trial is over.
    trial_outcome: str | None = None
    retained_on: date | None = None
    lost_reason: str = Field(default="", sa_column_kwargs={"server_default": ""})
    # The stage the prospect was lost at, so that reopening puts it back there.
    lost_from: str = Field(default="", sa_column_kwargs={"server_default": ""})
    lost_on: date | None = None


class Objection(SQLModel, table=True):
    """An objection a prospect raised (money, value, results, other) and the answer given."""

    __tablename__ = "objection"
    __table_args__ = ({"sqlite_with_rowid": False},)
    client_id: int = Field(foreign_key="client.id", primary_key=True, ondelete="CASCADE")
    position: int = Field(primary_key=True)
    kind: str = Field(default="other", sa_column_kwargs={"server_default": "other"})
    text: str = Field(default="", sa_column_kwargs={"server_default": ""})
    answer: str = Field(default="", sa_column_kwargs={"server_default": ""})


class ChangeLog(SQLModel, table=True):
    """Who changed what, and when: one row per field an action changed, or one per record
    it added or deleted (field NULL, the whole record as JSON text). Kept when the client
    goes (no foreign key): the history outlives what it tells of."""

    __tablename__ = "change_log"
    __table_args__ = (
        Index("ix_change_log_client", "client_id", "id"),
        Index("ix_change_log_record", "table_name", "record", "id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    # UTC, "YYYY-MM-DDTHH:MM:SSZ": sorts right and reads the same on both engines.
    at: str
    author: str
    action: str
    table_name: str
    record: str
    client_id: int | None = None
    field: str | None = None
    before: str | None = None
    after: str | None = None
