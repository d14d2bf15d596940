"""Merging a checked plan into the database (or, with replace, making it the whole truth
for the clients and tiers it names), counting per kind what is added, updated, unchanged.

The same code runs for a dry run (write=False), so a dry run and the import agree.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from retainer_tui.services.data_file import DataFileError, ImportProblem, Tally
from retainer_tui.services.import_parse import quote
from retainer_tui.services.import_plan import (
    CLIENT_DEFAULTS,
    CLIENT_FIELD_COLUMNS,
    TIER_COLUMNS,
    TIER_DEFAULTS,
    ClientPlan,
    Context,
    Plan,
)
from retainer_tui.services.pipeline_data import write_prospects

KINDS = (
    "clients", "tiers", "metrics", "goals", "results", "hours", "payments", "reports",
    "prospects", "objections",
)  # fmt: skip
_CLIENT_COLUMNS = ("name", "tier_id", *CLIENT_FIELD_COLUMNS)
_CHILD_TABLES = ("goal", "result", "hours", "payment", "report", "prospect", "objection")
_CHUNK = 500  # clients whose stored rows are read at once (SQLite's variable limit is higher)


@dataclass(frozen=True, slots=True)
class _Rows:
    """One kind of month row: its table, key and value columns, and the plan's attribute."""

    kind: str
    table: str
    keys: tuple[str, ...]
    values: tuple[str, ...]

    def upsert(self) -> str:
        columns = ("client_id", *self.keys, *self.values)
        updates = ", ".join(f"{c} = excluded.{c}" for c in self.values)
        return (
            f"INSERT INTO {self.table} ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' * len(columns))}) "
            f"ON CONFLICT (client_id, {', '.join(self.keys)}) DO UPDATE SET {updates}"
        )


_MONTH_ROWS = (
    _Rows("goals", "goal", ("metric_key", "month"), ("target",)),
    _Rows("results", "result", ("metric_key", "month"), ("actual",)),
    _Rows("hours", "hours", ("month",), ("hours_x100",)),
    _Rows("payments", "payment", ("month",), ("amount_cents", "received_on")),
    _Rows("reports", "report", ("month",), ("sent_on", "highlights")),
)
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


class _Count:
    __slots__ = ("added", "updated", "unchanged", "removed")

    def __init__(self) -> None:
        self.added = self.updated = self.unchanged = self.removed = 0

    def one(self, stored: object, wanted: object) -> bool:
        """Count one row; True when it must be written."""
        if stored is None:
            self.added += 1
            return True
        if stored == wanted:
            self.unchanged += 1
            return False
        self.updated += 1
        return True

    def tally(self) -> Tally:
        return Tally(self.added, self.updated, self.unchanged, self.removed)


def apply(
    conn: sqlite3.Connection, plan: Plan, ctx: Context, *, replace: bool, write: bool
) -> dict[str, Tally]:
    """Count (and, when write, make) every change the plan brings, per kind."""
    counts = {kind: _Count() for kind in KINDS}
    if write and ctx.fresh:
        # A database made for this import holds what the file holds: not the three
        # tiers every new database starts with (no client refers to them yet).
        conn.execute("DELETE FROM tier")
    if write and plan.currency and plan.currency != ctx.currency:
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('currency', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (plan.currency,),
        )
    _metrics(conn, plan, ctx, counts["metrics"], write)
    tier_ids = _tiers(conn, plan, ctx, counts["tiers"], replace, write)
    pairs = _clients(conn, plan, ctx, tier_ids, counts["clients"], replace, write)
    new = [(cid, c) for cid, c in pairs if c.stored is None]
    for spec in _MONTH_ROWS:
        rows = [(cid, *row) for cid, c in new for row in getattr(c, spec.kind)]
        counts[spec.kind].added += len(rows)
        if write:
            conn.executemany(spec.upsert(), rows)
    if write:
        write_prospects(conn, ((cid, c.prospect) for cid, c in new), tier_ids)
    for _, c in new:
        if c.prospect is not None:
            counts["prospects"].added += 1
            counts["objections"].added += len(c.prospect.objections)
    matched = [(cid, c) for cid, c in pairs if c.stored is not None]
    for start in range(0, len(matched), _CHUNK):
        chunk = matched[start : start + _CHUNK]
        _merge_rows(conn, chunk, tier_ids, counts, replace, write)
    return {kind: count.tally() for kind, count in counts.items()}


def _metrics(
    conn: sqlite3.Connection, plan: Plan, ctx: Context, count: _Count, write: bool
) -> None:
    position = ctx.metric_position
    new, changed = [], []
    for m in plan.metrics:
        stored = ctx.metrics.get(m.key)
        if stored is None:
            count.added += 1
            position += 1
            new.append((m.key, m.label, m.unit or "", position))
            continue
        wanted = (
            m.label if m.label is not None else stored[1],
            m.unit if m.unit is not None else stored[2],
        )
        if count.one(stored[1:], wanted):
            changed.append((*wanted, m.key))
    if write:
        conn.executemany("UPDATE metric SET label = ?, unit = ? WHERE key = ?", changed)
        conn.executemany(
            "INSERT INTO metric (key, label, unit, builtin, position) VALUES (?, ?, ?, 0, ?)",
            new,
        )


def _tiers(
    conn: sqlite3.Connection, plan: Plan, ctx: Context, count: _Count, replace: bool, write: bool
) -> dict[str, int]:
    """Tier ids by name_key, the file's new tiers included."""
    tier_ids = {key: t.id for key, t in ctx.tiers.items()}
    tier_id, position = ctx.tier_max_id, ctx.tier_position
    new, changed, goals_of = [], [], []
    for t in plan.tiers:
        stored = ctx.tiers.get(t.key)
        if stored is None:
            tier_id += 1
            position += 1
            tier_ids[t.key] = tier_id
            values = {**TIER_DEFAULTS, **t.values}
            new.append((tier_id, t.name, *values.values(), position))
            goals_of.append((tier_id, dict(t.goals or ())))
            count.added += 1
            continue
        values = {**stored.fields, **t.values}
        goals = dict(stored.goals)
        if t.goals is not None:
            goals = dict(t.goals) if replace else {**goals, **dict(t.goals)}
        name = t.name if replace else stored.name
        if count.one((stored.name, stored.fields, stored.goals), (name, values, goals)):
            changed.append((name, *values.values(), stored.id))
            goals_of.append((stored.id, goals))
    if write:
        assignments = ", ".join(f"{c} = ?" for c in ("name", *TIER_COLUMNS))
        conn.executemany(f"UPDATE tier SET {assignments} WHERE id = ?", changed)
        columns = ", ".join(("id", "name", *TIER_COLUMNS, "position"))
        marks = ", ".join("?" * (len(TIER_COLUMNS) + 3))
        conn.executemany(f"INSERT INTO tier ({columns}) VALUES ({marks})", new)
        conn.executemany("DELETE FROM tier_goal WHERE tier_id = ?", [(i,) for i, _ in goals_of])
        conn.executemany(
            "INSERT INTO tier_goal (tier_id, metric_key, target) VALUES (?, ?, ?)",
            ((i, key, target) for i, goals in goals_of for key, target in goals.items()),
        )
    return tier_ids


def _clients(
    conn: sqlite3.Connection,
    plan: Plan,
    ctx: Context,
    tier_ids: dict[str, int],
    count: _Count,
    replace: bool,
    write: bool,
) -> list[tuple[int, ClientPlan]]:
    """(id, plan) of every client in the file, new ones numbered after the stored ones."""
    client_id = ctx.client_max_id
    pairs: list[tuple[int, ClientPlan]] = []
    new, changed = [], []
    for c in plan.clients:
        if c.tier is not None and c.tier not in tier_ids:
            # Deleted by someone else since the file was checked.
            raise DataFileError([ImportProblem(quote(c.name), "its tier no longer exists")])
        tier_id = tier_ids[c.tier] if c.tier is not None else None
        stored = c.stored
        if stored is None:
            client_id += 1
            pairs.append((client_id, c))
            new.append((client_id, c.name, tier_id, *{**CLIENT_DEFAULTS, **c.values}.values()))
            count.added += 1
            continue
        pairs.append((stored.id, c))
        fields = {**stored.fields, **c.values}
        wanted = (
            c.name if replace else stored.name,
            tier_id if c.tier_given else stored.tier_id,
            fields,
        )
        if count.one((stored.name, stored.tier_id, stored.fields), wanted):
            changed.append((*wanted[:2], *fields.values(), stored.id))
    if write:
        assignments = ", ".join(f"{column} = ?" for column in _CLIENT_COLUMNS)
        conn.executemany(f"UPDATE client SET {assignments} WHERE id = ?", changed)
        columns = ", ".join(("id", *_CLIENT_COLUMNS))
        marks = ", ".join("?" * (len(_CLIENT_COLUMNS) + 1))
        conn.executemany(f"INSERT INTO client ({columns}) VALUES ({marks})", new)
    return pairs


def _stored(conn: sqlite3.Connection, sql: str, ids: list[int]) -> dict[int, list[tuple[Any, ...]]]:
    found: dict[int, list[tuple[Any, ...]]] = {cid: [] for cid in ids}
    marks = ", ".join("?" * len(ids))
    for row in conn.execute(sql.format(ids=marks), ids):
        found[row[0]].append(row[1:])
    return found


def _merge_rows(
    conn: sqlite3.Connection,
    chunk: list[tuple[int, ClientPlan]],
    tier_ids: dict[str, int],
    counts: dict[str, _Count],
    replace: bool,
    write: bool,
) -> None:
    """The month rows, prospect and objections of stored clients the file names."""
    ids = [cid for cid, _ in chunk]
    writes: list[tuple[_Rows, list[tuple[Any, ...]]]] = []
    for spec in _MONTH_ROWS:
        count = counts[spec.kind]
        n = len(spec.keys)
        columns = ", ".join(("client_id", *spec.keys, *spec.values))
        stored = _stored(
            conn, f"SELECT {columns} FROM {spec.table} WHERE client_id IN ({{ids}})", ids
        )
        rows = []
        for cid, c in chunk:
            have = {row[:n]: row[n:] for row in stored[cid]}
            given = getattr(c, spec.kind)
            for row in given:
                if count.one(have.get(row[:n]), row[n:]) or replace:
                    rows.append((cid, *row))
            if replace:
                count.removed += len(have.keys() - {row[:n] for row in given})
        writes.append((spec, rows))
    prospects = _stored(
        conn,
        f"SELECT client_id, {', '.join(PROSPECT_DEFAULTS)} FROM prospect "
        "WHERE client_id IN ({ids})",
        ids,
    )
    objections = _stored(
        conn,
        "SELECT client_id, position, kind, text, answer FROM objection "
        "WHERE client_id IN ({ids}) ORDER BY client_id, position",
        ids,
    )
    if write and replace:
        for table in _CHILD_TABLES:
            conn.execute(
                f"DELETE FROM {table} WHERE client_id IN ({', '.join('?' * len(ids))})", ids
            )
    if write:
        for spec, rows in writes:
            conn.executemany(spec.upsert(), rows)
    if replace:
        for cid, c in chunk:
            _count_replaced_prospect(c, prospects[cid], objections[cid], tier_ids, counts)
        if write:
            write_prospects(conn, ((cid, c.prospect) for cid, c in chunk), tier_ids)
        return
    for cid, c in chunk:
        if c.prospect is not None:
            _merge_prospect(conn, cid, c, prospects[cid], tier_ids, counts["prospects"], write)
            _merge_objections(conn, cid, c, objections[cid], counts["objections"], write)


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


def _merge_prospect(
    conn: sqlite3.Connection,
    cid: int,
    c: ClientPlan,
    rows: list[tuple[Any, ...]],
    tier_ids: dict[str, int],
    count: _Count,
    write: bool,
) -> None:
    stored = _stored_prospect(rows)
    wanted = _wanted_prospect(c, stored or PROSPECT_DEFAULTS, tier_ids)
    before = None if stored is None else _comparable(stored)
    if count.one(before, _comparable(wanted)) and write:
        columns = ("client_id", *wanted)
        updates = ", ".join(f"{k} = excluded.{k}" for k in wanted)
        conn.execute(
            f"INSERT INTO prospect ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
            f"ON CONFLICT (client_id) DO UPDATE SET {updates}",
            (cid, *wanted.values()),
        )


def _merge_objections(
    conn: sqlite3.Connection,
    cid: int,
    c: ClientPlan,
    rows: list[tuple[Any, ...]],
    count: _Count,
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
            changes.append((cid, by_text[text][0], kind, text, answer))
    if write:
        conn.executemany(
            "INSERT INTO objection (client_id, position, kind, text, answer) VALUES (?,?,?,?,?) "
            "ON CONFLICT (client_id, position) DO UPDATE SET kind = excluded.kind, "
            "answer = excluded.answer",
            changes,
        )


def _count_replaced_prospect(
    c: ClientPlan,
    rows: list[tuple[Any, ...]],
    objections: list[tuple[Any, ...]],
    tier_ids: dict[str, int],
    counts: dict[str, _Count],
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
