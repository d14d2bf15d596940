"""Tiers: list, validate, save (a fee change may leave clients at the old fee), delete if unused.

A tier may carry default goals (metric -> monthly target): a client's goals screen offers
them, and entries.apply_tier_goals sets them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass

from retainer_tui.db.engine import Database
from retainer_tui.domain import validation as v
from retainer_tui.domain.names import name_key
from retainer_tui.services.clients import _name_taken
from retainer_tui.services.errors import FormInvalid, InUse, NotFound
from retainer_tui.services.undo import Change, Recorder, UndoStack, record, touch_dependents

MAX_SERVICES = 50


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


_SELECT = """
SELECT t.id, t.name, t.monthly_fee_cents, t.included_hours, t.services, t.description,
       t.position, count(c.id), count(c.id) - count(c.fee_override_cents)
FROM tier t LEFT JOIN client c ON c.tier_id = t.id
"""


def _services(raw: str | None) -> tuple[str, ...]:
    try:
        data = json.loads(raw or "[]")
    except ValueError:
        return ()
    return tuple(str(s) for s in data) if isinstance(data, list) else ()


_GOALS_SQL = """
SELECT g.tier_id, g.metric_key, g.target FROM tier_goal g JOIN metric m ON m.key = g.metric_key
"""


def _info(row: tuple, goals: dict[int, list[tuple[str, int]]]) -> TierInfo:
    tid, name, fee, hours, services, description, position, clients, following = row
    return TierInfo(
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


def _goals_by_tier(
    conn: sqlite3.Connection, tier_id: int | None = None
) -> dict[int, list[tuple[str, int]]]:
    sql = _GOALS_SQL
    params: tuple[int, ...] = ()
    if tier_id is not None:
        sql, params = sql + " WHERE g.tier_id = ?", (tier_id,)
    found: dict[int, list[tuple[str, int]]] = {}
    for tid, key, target in conn.execute(sql + " ORDER BY m.position, m.key", params):
        found.setdefault(tid, []).append((key, target))
    return found


def list_tiers(db: Database) -> tuple[TierInfo, ...]:
    """Every tier in display order, with how many clients use it and its default goals."""
    with db.read() as conn:
        rows = conn.execute(_SELECT + " GROUP BY t.id ORDER BY t.position, t.id").fetchall()
        goals = _goals_by_tier(conn)
    return tuple(_info(r, goals) for r in rows)


def get_tier(db: Database, *, tier_id: int) -> TierInfo | None:
    with db.read() as conn:
        row = conn.execute(_SELECT + " WHERE t.id = ? GROUP BY t.id", (tier_id,)).fetchone()
        goals = _goals_by_tier(conn, tier_id) if row else {}
    return _info(row, goals) if row else None


def tier_goals(db: Database, *, tier_id: int) -> dict[str, int]:
    """A tier's default targets by metric key, in catalogue order (empty when none)."""
    with db.read() as conn:
        return dict(_goals_by_tier(conn, tier_id).get(tier_id, ()))


def _clean(
    conn: sqlite3.Connection, draft: TierDraft, tier_id: int | None
) -> tuple[dict[str, object], dict[str, str]]:
    values: dict[str, object] = {}
    errors: dict[str, str] = {}
    try:
        values["name"] = v.name(draft.name, "name")
        if _name_taken(conn, "tier", str(values["name"]), tier_id):
            errors["name"] = f"a tier named {values['name']!r} already exists"
    except v.InvalidValue as exc:
        errors["name"] = str(exc)
    try:
        values["monthly_fee_cents"] = v.money(draft.monthly_fee, "monthly fee")
    except v.InvalidValue as exc:
        errors["monthly_fee"] = str(exc)
    try:
        values["included_hours"] = v.count(draft.included_hours, "included hours")
        if int(values["included_hours"]) > 744:  # type: ignore[call-overload]
            errors["included_hours"] = "included hours is more than a month has (at most 744)"
    except v.InvalidValue as exc:
        errors["included_hours"] = str(exc)
    try:
        values["services"] = json.dumps(clean_services(draft.services))
    except v.InvalidValue as exc:
        errors["services"] = str(exc)
    try:
        values["description"] = v.long_text(draft.description, "description")
    except v.InvalidValue as exc:
        errors["description"] = str(exc)
    if draft.goals is not None:
        known = {key for (key,) in conn.execute("SELECT key FROM metric")}
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


def _write_goals(
    conn: sqlite3.Connection, rec: Recorder, tier_id: int, goals: dict[str, int]
) -> None:
    """Replace the tier's default goals (rows recorded for undo)."""
    rec.touch_where("tier_goal", "tier_id = ?", (tier_id,))
    for key in goals:
        rec.touch("tier_goal", (tier_id, key))
    conn.execute("DELETE FROM tier_goal WHERE tier_id = ?", (tier_id,))
    conn.executemany(
        "INSERT INTO tier_goal (tier_id, metric_key, target) VALUES (?, ?, ?)",
        [(tier_id, key, target) for key, target in goals.items()],
    )


def validate_tier(db: Database, draft: TierDraft, *, tier_id: int | None = None) -> dict[str, str]:
    """A message per refused field (empty when the draft can be saved)."""
    with db.read() as conn:
        return _clean(conn, draft, tier_id)[1]


def followers(db: Database, *, tier_id: int) -> int:
    """Clients who pay this tier's fee (no override): the ones a fee change would move."""
    with db.read() as conn:
        return int(
            conn.execute(
                "SELECT count(*) FROM client WHERE tier_id = ? AND fee_override_cents IS NULL",
                (tier_id,),
            ).fetchone()[0]
        )


def save_tier(
    db: Database,
    *,
    draft: TierDraft,
    tier_id: int | None = None,
    clients_follow: bool = True,
    undo: UndoStack | None = None,
) -> TierSaved:
    """Create or update a tier in one transaction; FormInvalid if refused.

    When the fee changes and clients_follow is False, every client on the tier who paid
    its fee gets a fee override equal to the old fee, so what they pay does not change.
    """
    with db.write() as conn:
        old_fee: int | None = None
        if tier_id is not None:
            row = conn.execute(
                "SELECT monthly_fee_cents FROM tier WHERE id = ?", (tier_id,)
            ).fetchone()
            if row is None:
                raise NotFound("That tier no longer exists")
            old_fee = int(row[0])
        values, errors = _clean(conn, draft, tier_id)
        if errors:
            raise FormInvalid(errors)
        rec = Recorder(conn)
        goals: dict[str, int] | None = values.pop("goals", None)  # type: ignore[assignment]
        cols = list(values)
        pinned = followed = 0
        fee_changed = old_fee is not None and old_fee != values["monthly_fee_cents"]
        try:
            if tier_id is None:
                position = conn.execute("SELECT coalesce(max(position), -1) + 1 FROM tier")
                values["position"] = position.fetchone()[0]
                cols.append("position")
                cur = conn.execute(
                    f"INSERT INTO tier ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                    [values[c] for c in cols],
                )
                tier_id = int(cur.lastrowid or 0)
                rec.mark_new("tier", (tier_id,))
            else:
                rec.touch("tier", (tier_id,))
                if fee_changed:
                    ids = [
                        r[0]
                        for r in conn.execute(
                            "SELECT id FROM client WHERE tier_id = ? "
                            "AND fee_override_cents IS NULL",
                            (tier_id,),
                        )
                    ]
                    if clients_follow:
                        followed = len(ids)
                    else:
                        for cid in ids:
                            rec.touch("client", (cid,))
                        conn.execute(
                            "UPDATE client SET fee_override_cents = ? "
                            "WHERE tier_id = ? AND fee_override_cents IS NULL",
                            (old_fee, tier_id),
                        )
                        pinned = len(ids)
                conn.execute(
                    f"UPDATE tier SET {', '.join(f'{c} = ?' for c in cols)} WHERE id = ?",
                    [*(values[c] for c in cols), tier_id],
                )
        except sqlite3.IntegrityError:
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


def delete_tier(db: Database, *, tier_id: int, undo: UndoStack | None = None) -> TierDeleted:
    """Delete a tier no client uses; InUse (nothing written) otherwise."""
    with db.write() as conn:
        row = conn.execute("SELECT name FROM tier WHERE id = ?", (tier_id,)).fetchone()
        if row is None:
            raise NotFound("That tier no longer exists")
        name = row[0]
        used = conn.execute("SELECT count(*) FROM client WHERE tier_id = ?", (tier_id,)).fetchone()
        if used[0]:
            clients = "1 client" if used[0] == 1 else f"{used[0]} clients"
            raise InUse(
                f"{name} is used by {clients}; move them to another tier first "
                "(ended clients count too)"
            )
        rec = Recorder(conn)
        rec.touch("tier", (tier_id,))
        touch_dependents(rec, "tier", tier_id)  # e.g. proposals that recommended it
        conn.execute("DELETE FROM tier WHERE id = ?", (tier_id,))
        change = rec.finish(f"deleting tier {name}")
    return TierDeleted(id=tier_id, name=name, change=record(undo, change))


def move_tier(db: Database, *, tier_id: int, offset: int, undo: UndoStack | None = None) -> Change:
    """Move a tier up (offset -1) or down (+1) in the list; renumbers positions."""
    with db.write() as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM tier ORDER BY position, id")]
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
            conn.execute("UPDATE tier SET position = ? WHERE id = ?", (position, tid))
        name = conn.execute("SELECT name FROM tier WHERE id = ?", (tier_id,)).fetchone()[0]
        change = rec.finish(f"moving tier {name}")
    return record(undo, change)
