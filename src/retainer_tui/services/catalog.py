"""What every screen shows of the database itself: its currency (one per database, kept
in meta), whether it holds clients, and its tiers for the welcome screen."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from retainer_tui.db.statements import session_of

if TYPE_CHECKING:
    from sqlmodel import Session

    from retainer_tui.db.engine import Database
    from retainer_tui.db.statements import RawConnection

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
