"""What every screen shows of the database itself: its currency (one per database, kept
in meta), whether it holds clients, its tiers (TierInfo, the one reader of them, for the
tiers screen, the client and prospect forms and the pipeline alike), and the name check
every form makes (names compared by name_key)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from retainer_tui.db.statements import session_of
from retainer_tui.domain.names import name_key

if TYPE_CHECKING:
    from sqlmodel import Session

    from retainer_tui.db.engine import Database
    from retainer_tui.db.statements import RawConnection
    from retainer_tui.domain.proposal import TierOffer

# SQLAlchemy and the models are imported inside the functions that run statements: the
# app's start-up path (every screen imports this module) loads no ORM (test_layering).

DEFAULT_CURRENCY = "USD"


def database_currency(conn: Session | RawConnection) -> str:
    """The database's currency (a new database takes the setting's once, for good)."""
    from sqlmodel import col, select

    from retainer_tui.db.models import Meta

    # The Core connection: one value needs none of the ORM's execution.
    found = (
        session_of(conn)
        .connection()
        .execute(select(col(Meta.value)).where(col(Meta.key) == "currency"))
    )
    value = found.scalar()
    return str(value) if value else DEFAULT_CURRENCY


@dataclass(frozen=True, slots=True)
class StartupFacts:
    has_clients: bool
    tiers: tuple[tuple[str, int], ...]  # (name, monthly fee in cents), in the tiers' order
    currency: str


def startup_facts(db: Database) -> StartupFacts:
    """What the app needs once the first frame is up: the welcome screen or not, and the
    currency every form shows."""
    from sqlalchemy import exists, select
    from sqlmodel import col

    from retainer_tui.db.models import Client, Tier

    with db.reading() as session:
        has_clients = bool(
            session.execute(select(exists().where(col(Client.id).is_not(None)))).scalar()
        )
        tiers = tuple(
            (str(name), int(fee))
            for name, fee in session.execute(
                select(col(Tier.name), col(Tier.monthly_fee_cents)).order_by(
                    col(Tier.position), col(Tier.id)
                )
            )
        )
        return StartupFacts(has_clients, tiers, database_currency(session))


@dataclass(frozen=True, slots=True)
class TierDraft:
    """A tier as typed in the form; services one per entry, in order.

    goals maps metric keys to typed default targets (blank: no default for that metric);
    None leaves a stored tier's defaults as they are (a new tier then has none).
    """

    name: str = ""
    monthly_fee: str = ""
    included_hours: str | int = "0"
    services: tuple[str, ...] = ()
    description: str = ""
    goals: Mapping[str, str | int] | None = None


@dataclass(frozen=True, slots=True)
class TierInfo:
    id: int
    name: str
    monthly_fee_cents: int
    included_hours: int
    services: tuple[str, ...]
    description: str
    position: int
    clients: int
    """Clients on this tier (any status)."""
    following: int
    """Clients on this tier who pay the tier's fee (no override of their own)."""
    goals: tuple[tuple[str, int], ...] = ()
    """Default monthly targets (metric key, target), in catalogue order."""

    def draft(self) -> TierDraft:
        from retainer_tui.domain.money import decimal_string

        return TierDraft(
            name=self.name,
            monthly_fee=decimal_string(self.monthly_fee_cents),
            included_hours=str(self.included_hours),
            services=self.services,
            description=self.description,
            goals={key: str(target) for key, target in self.goals},
        )

    def offer(self) -> TierOffer:
        # Imported here: the month view's start-up path reads tiers, never offers.
        from retainer_tui.domain.proposal import TierOffer

        return TierOffer(
            self.name, self.monthly_fee_cents, self.included_hours, self.services, self.description
        )


def services_text(column: Any) -> Any:
    """The services column read undecoded: the JSON type's own decoding raises on a value
    edited by hand, which the app has always shown as no services (PostgreSQL's driver
    hands over a list either way)."""
    from retainer_tui.db.statements import as_text

    return as_text(column)


def _services(raw: object) -> tuple[str, ...]:
    """The stored service list as a tuple; anything but a JSON list reads as none."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw or "[]")
        except ValueError:
            return ()
    return tuple(str(s) for s in raw) if isinstance(raw, list) else ()


def _tier_rows(session: Session, tier_id: int | None, offered: bool) -> list[Any]:
    """Each tier with how many clients use it and how many of them pay its fee."""
    from sqlalchemy import func, select
    from sqlmodel import col

    from retainer_tui.db.models import Client, Tier

    clients = func.count(col(Client.id))
    # Both orders are the tiers' positions; they part only on a tie. The tiers screen (and
    # move_tier's renumbering) breaks it by id; a prospect is offered the cheaper first,
    # so the top tier recommended by default is the dearest of those tied last.
    ties = (col(Tier.monthly_fee_cents), col(Tier.name)) if offered else (col(Tier.id),)
    stmt = (
        select(
            col(Tier.id),
            col(Tier.name),
            col(Tier.monthly_fee_cents),
            col(Tier.included_hours),
            services_text(Tier.services),
            col(Tier.description),
            col(Tier.position),
            clients,
            clients - func.count(col(Client.fee_override_cents)),
        )
        .outerjoin(Client, col(Client.tier_id) == col(Tier.id))
        .group_by(col(Tier.id))
        .order_by(col(Tier.position), *ties)
    )
    if tier_id is not None:
        stmt = stmt.where(col(Tier.id) == tier_id)
    return list(session.execute(stmt).all())


def goals_by_tier(session: Session, tier_id: int | None = None) -> dict[int, list[tuple[str, int]]]:
    """Each tier's default targets (metric key, target), in catalogue order."""
    from sqlmodel import col, select

    from retainer_tui.db.models import Metric, TierGoal

    stmt = select(TierGoal.tier_id, TierGoal.metric_key, TierGoal.target).join(
        Metric, col(Metric.key) == col(TierGoal.metric_key)
    )
    if tier_id is not None:
        stmt = stmt.where(TierGoal.tier_id == tier_id)
    found: dict[int, list[tuple[str, int]]] = {}
    order = (col(Metric.position), col(Metric.key))
    for tid, key, target in session.execute(stmt.order_by(*order)):
        found.setdefault(tid, []).append((key, target))
    return found


def read_tiers(
    conn: Session | RawConnection, *, tier_id: int | None = None, offered: bool = False
) -> tuple[TierInfo, ...]:
    """Every tier (or the one tier_id names) with how many clients use it and its default
    goals, in the tiers screen's order, or in the order a prospect is offered them."""
    session = session_of(conn)
    rows = _tier_rows(session, tier_id, offered)
    goals = goals_by_tier(session, tier_id) if rows else {}
    return tuple(
        TierInfo(
            tid,
            name,
            fee,
            hours,
            _services(services),
            description,
            position,
            clients,
            following,
            tuple(goals.get(tid, ())),
        )
        for tid, name, fee, hours, services, description, position, clients, following in rows
    )


def id_named(
    conn: Session | RawConnection, table: str, name: str, own_id: int | None
) -> int | None:
    """The id of a row (other than own_id) whose name has the same name_key, or None."""
    from sqlalchemy import select

    from retainer_tui.db.models import metadata

    t = metadata.tables[table]
    exclude = -1 if own_id is None else own_id
    # Neither SQLite's NOCASE (ASCII only) nor lower() knows NFC or white space: every
    # name is compared by its key in Python (10,000 names take a few milliseconds).
    wanted = name_key(name)
    for row_id, other in session_of(conn).execute(
        select(t.c.id, t.c.name).where(t.c.id != exclude)
    ):
        if name_key(other) == wanted:
            return int(row_id)
    return None


def name_taken(conn: Session | RawConnection, table: str, name: str, own_id: int | None) -> bool:
    """Whether another row already has this name, compared by name_key."""
    return id_named(conn, table, name, own_id) is not None
