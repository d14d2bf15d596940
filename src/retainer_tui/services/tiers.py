"""Tiers: list, validate, save (a fee change may leave clients at the old fee), delete if unused.

A tier may carry default goals (metric -> monthly target): a client's goals screen offers
them, and goals.apply_tier_goals sets them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from retainer_tui.db.engine import Database
from retainer_tui.domain import validation as v
from retainer_tui.domain.names import name_key
from retainer_tui.services.catalog import (
    TierDraft,
    TierInfo,
    goals_by_tier,
    name_taken,
    read_tiers,
)
from retainer_tui.services.edit_guard import (
    EditVersion,
    Watch,
    check_unchanged,
    opened,
    watch,
)
from retainer_tui.services.entry_common import check_field
from retainer_tui.services.errors import FormInvalid, InUse, NotFound
from retainer_tui.services.undo import Change, Recorder, UndoStack, record, touch_dependents

if TYPE_CHECKING:
    from retainer_tui.db.statements import RawConnection

# SQLAlchemy, the models and db.statements are imported inside the functions that run
# statements: the app's start-up path (every screen imports this module) loads no ORM
# (test_layering).

MAX_SERVICES = 50


@dataclass(frozen=True, slots=True)
class TierSaved:
    id: int
    name: str
    created: bool
    fee_changed: bool
    pinned: int
    """Clients given an override equal to the old fee (they did not follow the change)."""
    followed: int
    """Clients whose fee changed with the tier's."""
    change: Change


@dataclass(frozen=True, slots=True)
class TierDeleted:
    id: int
    name: str
    change: Change


def list_tiers(db: Database) -> tuple[TierInfo, ...]:
    """Every tier in display order, with how many clients use it and its default goals."""
    with db.reading() as session:
        return read_tiers(session)


def get_tier(db: Database, *, tier_id: int) -> TierInfo | None:
    with db.reading() as session:
        found = read_tiers(session, tier_id=tier_id)
    return found[0] if found else None


def tier_goals(db: Database, *, tier_id: int) -> dict[str, int]:
    """A tier's default targets by metric key, in catalogue order (empty when none)."""
    with db.reading() as session:
        return dict(goals_by_tier(session, tier_id).get(tier_id, ()))


def _clean(
    conn: RawConnection, draft: TierDraft, tier_id: int | None
) -> tuple[dict[str, object], dict[str, str]]:
    from sqlmodel import select

    from retainer_tui.db.models import Metric
    from retainer_tui.db.statements import session_of

    session = session_of(conn)
    values: dict[str, object] = {}
    errors: dict[str, str] = {}
    name = check_field(errors, "name", lambda: v.name(draft.name, "name"))
    if name is not None:
        values["name"] = name
        if name_taken(conn, "tier", name, tier_id):
            errors["name"] = f"a tier named {name!r} already exists"
    values["monthly_fee_cents"] = check_field(
        errors, "monthly_fee", lambda: v.money(draft.monthly_fee, "monthly fee")
    )
    hours = check_field(
        errors, "included_hours", lambda: v.count(draft.included_hours, "included hours")
    )
    values["included_hours"] = hours
    if hours is not None and hours > 744:
        errors["included_hours"] = "included hours is more than a month has (at most 744)"
    # A list: the JSON column stores it as json.dumps did.
    values["services"] = check_field(errors, "services", lambda: clean_services(draft.services))
    values["description"] = check_field(
        errors, "description", lambda: v.long_text(draft.description, "description")
    )
    if draft.goals is not None:
        known = set(session.scalars(select(Metric.key)))
        goals, goal_errors = clean_goals(draft.goals, known)
        values["goals"] = goals
        errors.update({f"{GOAL_FIELD}{key}": message for key, message in goal_errors.items()})
    return values, errors


GOAL_FIELD = "goal-"
"""Errors for a default goal are keyed goal-<metric key> (the tier form's field names)."""


def clean_goals(
    goals: Mapping[str, object], known: set[str]
) -> tuple[dict[str, int], dict[str, str]]:
    """Default targets typed per metric: blank means none, else a whole number above 0.

    Returns the clean targets and a message per refused metric key.
    """
    clean: dict[str, int] = {}
    errors: dict[str, str] = {}
    for key, typed in goals.items():
        if typed is None or (isinstance(typed, str) and not typed.strip()):
            continue
        if key not in known:
            errors[key] = f"there is no metric {key!r}"
            continue
        try:
            target = v.count(typed, "a default target")
        except v.InvalidValue as exc:
            errors[key] = str(exc)
            continue
        if target == 0:
            errors[key] = "a default target must be more than 0 (leave it blank for none)"
            continue
        clean[key] = target
    return clean, errors


def clean_services(services: tuple[str, ...] | list[str]) -> list[str]:
    """The service list, each a required line, no repeats (ignoring case)."""
    if len(services) > MAX_SERVICES:
        raise v.InvalidValue(f"at most {MAX_SERVICES} services")
    cleaned: list[str] = []
    seen: set[str] = set()
    for number, service in enumerate(services, 1):
        text = v.name(service, f"service {number}")
        if name_key(text) in seen:
            raise v.InvalidValue(f"service {number}, {text!r}, is listed twice")
        seen.add(name_key(text))
        cleaned.append(text)
    return cleaned


def _write_goals(conn: RawConnection, rec: Recorder, tier_id: int, goals: dict[str, int]) -> None:
    """Replace the tier's default goals (rows recorded for undo)."""
    from sqlalchemy import delete, insert
    from sqlmodel import col

    from retainer_tui.db.models import TierGoal
    from retainer_tui.db.statements import session_of

    session = session_of(conn)
    rec.touch_where("tier_goal", "tier_id = ?", (tier_id,))
    for key in goals:
        rec.touch("tier_goal", (tier_id, key))
    session.execute(delete(TierGoal).where(col(TierGoal.tier_id) == tier_id))
    if goals:  # an empty executemany would be one INSERT of no values
        session.execute(
            insert(TierGoal),
            [{"tier_id": tier_id, "metric_key": k, "target": t} for k, t in goals.items()],
        )


def validate_tier(db: Database, draft: TierDraft, *, tier_id: int | None = None) -> dict[str, str]:
    """A message per refused field (empty when the draft can be saved)."""
    with db.reading() as conn:
        return _clean(conn, draft, tier_id)[1]


def followers(db: Database, *, tier_id: int) -> int:
    """Clients who pay this tier's fee (no override): the ones a fee change would move."""
    from sqlmodel import col, func, select

    from retainer_tui.db.models import Client

    with db.reading() as session:
        count = session.scalar(
            select(func.count())
            .select_from(Client)
            .where(Client.tier_id == tier_id, col(Client.fee_override_cents).is_(None))
        )
    return int(count or 0)


def save_tier(
    db: Database,
    *,
    draft: TierDraft,
    tier_id: int | None = None,
    clients_follow: bool = True,
    undo: UndoStack | None = None,
    expected: EditVersion | None = None,
) -> TierSaved:
    """Create or update a tier in one transaction; FormInvalid if refused.

    When the fee changes and clients_follow is False, every client on the tier who paid
    its fee gets a fee override equal to the old fee, so what they pay does not change.
    `expected` is the tier and its goals as the form opened them (tier_version): changed
    since, EditConflict and nothing written.
    """
    from sqlalchemy import insert, update
    from sqlalchemy.exc import IntegrityError
    from sqlmodel import col, func, select

    from retainer_tui.db.models import Client, Tier, with_name_key
    from retainer_tui.db.statements import session_of

    with db.writing() as conn:
        session = session_of(conn)
        old_fee: int | None = None
        if tier_id is not None:
            found = session.scalar(select(Tier.monthly_fee_cents).where(Tier.id == tier_id))
            if found is None:
                raise NotFound("That tier no longer exists")
            old_fee = int(found)
            check_unchanged(conn, expected)
        values, errors = _clean(conn, draft, tier_id)
        if errors:
            raise FormInvalid(errors)
        rec = Recorder(conn)
        goals: dict[str, int] | None = values.pop("goals", None)  # type: ignore[assignment]
        pinned = followed = 0
        fee_changed = old_fee is not None and old_fee != values["monthly_fee_cents"]
        try:
            if tier_id is None:
                values["position"] = session.scalar(
                    select(func.coalesce(func.max(Tier.position), -1) + 1)
                )
                inserted = session.execute(insert(Tier).values(**values))
                tier_id = int(inserted.inserted_primary_key[0])  # type: ignore[attr-defined]
                rec.mark_new("tier", (tier_id,))
            else:
                rec.touch("tier", (tier_id,))
                if fee_changed:
                    paying = (
                        col(Client.tier_id) == tier_id,
                        col(Client.fee_override_cents).is_(None),
                    )
                    ids = list(session.scalars(select(Client.id).where(*paying)))
                    if clients_follow:
                        followed = len(ids)
                    else:
                        for cid in ids:
                            rec.touch("client", (cid,))
                        session.execute(
                            update(Client).where(*paying).values(fee_override_cents=old_fee)
                        )
                        pinned = len(ids)
                old_name = session.scalar(select(Tier.name).where(col(Tier.id) == tier_id))
                session.execute(
                    update(Tier).where(col(Tier.id) == tier_id).values(with_name_key(values))
                )
                if old_name is not None and old_name != values["name"]:
                    _rename_in_descriptions(session, rec, old_name, str(values["name"]), tier_id)
        except IntegrityError:
            raise FormInvalid({"name": f"a tier named {values['name']!r} already exists"}) from None
        if goals is not None:
            _write_goals(conn, rec, tier_id, goals)
        name = str(values["name"])
        change = rec.finish(f"new tier {name}" if old_fee is None else f"changes to {name}")
    return TierSaved(
        id=tier_id,
        name=name,
        created=old_fee is None,
        fee_changed=fee_changed,
        pinned=pinned,
        followed=followed,
        change=record(undo, change),
    )


def _rename_in_descriptions(
    session: Any, rec: Recorder, old: str, new: str, renamed_id: int
) -> None:
    """Other tiers' descriptions that name the renamed tier ("Tier 1 plus engagement…",
    as the defaults do) name it by its new name; recorded with the rename for undo."""
    import re

    from sqlalchemy import select, update
    from sqlmodel import col

    from retainer_tui.db.models import Tier

    mention = re.compile(rf"(?<!\w){re.escape(old)}(?!\w)")
    rows = session.execute(
        select(col(Tier.id), col(Tier.description)).where(col(Tier.id) != renamed_id)
    ).all()
    for other_id, description in rows:
        if description and mention.search(description):
            rec.touch("tier", (other_id,))
            session.execute(
                update(Tier)
                .where(col(Tier.id) == other_id)
                .values(description=mention.sub(lambda _m: new, description))
            )


def delete_tier(db: Database, *, tier_id: int, undo: UndoStack | None = None) -> TierDeleted:
    """Delete a tier no client uses; InUse (nothing written) otherwise."""
    from sqlalchemy import delete
    from sqlmodel import col, func, select

    from retainer_tui.db.models import Client, Tier
    from retainer_tui.db.statements import session_of

    with db.writing() as conn:
        session = session_of(conn)
        name = session.scalar(select(Tier.name).where(Tier.id == tier_id))
        if name is None:
            raise NotFound("That tier no longer exists")
        used = session.scalar(
            select(func.count()).select_from(Client).where(Client.tier_id == tier_id)
        )
        if used:
            clients = "1 client" if used == 1 else f"{used} clients"
            raise InUse(
                f"{name} is used by {clients}; move them to another tier first "
                "(ended clients count too)"
            )
        rec = Recorder(conn)
        rec.touch("tier", (tier_id,))
        touch_dependents(rec, "tier", tier_id)  # e.g. proposals that recommended it
        session.execute(delete(Tier).where(col(Tier.id) == tier_id))
        change = rec.finish(f"deleting tier {name}")
    return TierDeleted(id=tier_id, name=name, change=record(undo, change))


def move_tier(db: Database, *, tier_id: int, offset: int, undo: UndoStack | None = None) -> Change:
    """Move a tier up (offset -1) or down (+1) in the list; renumbers positions."""
    from sqlalchemy import update
    from sqlmodel import col, select

    from retainer_tui.db.models import Tier
    from retainer_tui.db.statements import session_of

    with db.writing() as conn:
        session = session_of(conn)
        ids = list(session.scalars(select(Tier.id).order_by(col(Tier.position), col(Tier.id))))
        if tier_id not in ids:
            raise NotFound("That tier no longer exists")
        index = ids.index(tier_id)
        target = max(0, min(len(ids) - 1, index + offset))
        if target == index:
            return Change("", ())
        ids.insert(target, ids.pop(index))
        rec = Recorder(conn)
        for position, tid in enumerate(ids):
            rec.touch("tier", (tid,))
            session.execute(update(Tier).where(col(Tier.id) == tid).values(position=position))
        name = session.scalar(select(Tier.name).where(Tier.id == tier_id))
        change = rec.finish(f"moving tier {name}")
    return record(undo, change)


def tier_watches(tier_id: int) -> tuple[Watch, ...]:
    """The rows the tier form edits: the tier and its default goals."""
    return watch("tier", id=tier_id), watch("tier_goal", tier_id=tier_id)


def tier_version(db: Database, *, tier_id: int) -> EditVersion:
    """The tier and its goals as the tier form opens, for save_tier(expected=)."""
    return opened(db, *tier_watches(tier_id))
