"""Merging a checked plan into the database (or, with replace, making it the whole truth
for the clients and tiers it names), counting per kind what is added, updated, unchanged.

The same code runs for a dry run (write=False), so a dry run and the import agree.
Every statement is built from the tables in db/models.py; the rows of a kind go in as one
executemany (db.statements.insert_rows). Stored rows are read as import_plan.stored_columns
gives them (dates and JSON as their text), the form the plan's values take, so the two
compare directly, and the plan's rows are written in that form as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, bindparam, delete, insert, select
from sqlalchemy import update as update_

from retainer_tui.db.models import metadata
from retainer_tui.db.statements import insert_rows, session_of, upsert
from retainer_tui.services.data_file import Count, DataFileError, ImportProblem, Tally
from retainer_tui.services.import_parse import quote
from retainer_tui.services.import_plan import (
    CLIENT_DEFAULTS,
    CLIENT_FIELD_COLUMNS,
    TIER_DEFAULTS,
    ClientPlan,
    Context,
    Plan,
    row_values,
    stored_columns,
    with_dates,
)
from retainer_tui.services.import_prospect import (
    PROSPECT_DEFAULTS,
    count_replaced_prospect,
    merge_objections,
    merge_prospect,
)
from retainer_tui.services.pipeline_data import write_prospects

if TYPE_CHECKING:
    from sqlmodel import Session

    from retainer_tui.db.statements import RawConnection

KINDS = (
    "clients", "tiers", "metrics", "goals", "results", "hours", "payments", "reports",
    "prospects", "objections",
)  # fmt: skip
_CLIENT_COLUMNS = ("name", "tier_id", *CLIENT_FIELD_COLUMNS)
_CHILD_TABLES = ("goal", "result", "hours", "payment", "report", "prospect", "objection")
_CHUNK = 500  # clients whose stored rows are read at once (SQLite's variable limit is higher)


@dataclass(frozen=True, slots=True)
class _Rows:
    """One kind of month row: its table, key and value columns and the plan's attribute.
    A row is the client's id then the plan's tuple, which holds the columns in this
    order, in the form they are stored (dates as their ISO text)."""

    kind: str
    table: str
    keys: tuple[str, ...]
    values: tuple[str, ...]

    def write(self, session: Session, rows: list[tuple[Any, ...]]) -> None:
        """Insert the rows, each replacing the stored one of its month (and metric)."""
        if rows:
            table = metadata.tables[self.table]
            stmt = upsert(session, table, keys=("client_id", *self.keys), update=self.values)
            insert_rows(session, stmt, ("client_id", *self.keys, *self.values), rows)


_MONTH_ROWS = (
    _Rows("goals", "goal", ("metric_key", "month"), ("target",)),
    _Rows("results", "result", ("metric_key", "month"), ("actual",)),
    _Rows("hours", "hours", ("month",), ("hours_x100",)),
    _Rows("payments", "payment", ("month",), ("amount_cents", "received_on")),
    _Rows("reports", "report", ("month",), ("sent_on", "highlights")),
)


def _by_key(table: Table, key: str, columns: tuple[str, ...]) -> Any:
    """UPDATE table SET columns WHERE key matches, for an executemany of dicts holding
    "b_<column>" for each column and the key."""
    return (
        update_(table)
        .where(table.c[key] == bindparam(f"b_{key}"))
        .values({c: bindparam(f"b_{c}", type_=table.c[c].type) for c in columns})
    )


def apply(
    conn: Session | RawConnection, plan: Plan, ctx: Context, *, replace: bool, write: bool
) -> dict[str, Tally]:
    """Count (and, when write, make) every change the plan brings, per kind."""
    session = session_of(conn)
    counts = {kind: Count() for kind in KINDS}
    if write and ctx.fresh:
        # A database made for this import holds what the file holds: not the three
        # tiers every new database starts with (no client refers to them yet).
        session.execute(delete(metadata.tables["tier"]))
    if write and plan.currency and plan.currency != ctx.currency:
        meta = metadata.tables["meta"]
        session.execute(
            upsert(session, meta, keys=["key"], update=["value"]),
            [{"key": "currency", "value": plan.currency}],
        )
    _metrics(session, plan, ctx, counts["metrics"], write)
    tier_ids = _tiers(session, plan, ctx, counts["tiers"], replace, write)
    pairs = _clients(session, plan, ctx, tier_ids, counts["clients"], replace, write)
    new = [(cid, c) for cid, c in pairs if c.stored is None]
    for spec in _MONTH_ROWS:
        rows = [(cid, *row) for cid, c in new for row in getattr(c, spec.kind)]
        counts[spec.kind].added += len(rows)
        if write:
            spec.write(session, rows)
    if write:
        write_prospects(session, ((cid, c.prospect) for cid, c in new), tier_ids)
    for _, c in new:
        if c.prospect is not None:
            counts["prospects"].added += 1
            counts["objections"].added += len(c.prospect.objections)
    matched = [(cid, c) for cid, c in pairs if c.stored is not None]
    for start in range(0, len(matched), _CHUNK):
        chunk = matched[start : start + _CHUNK]
        _merge_rows(session, chunk, tier_ids, counts, replace, write)
    return {kind: count.tally() for kind, count in counts.items()}


def _metrics(session: Session, plan: Plan, ctx: Context, count: Count, write: bool) -> None:
    position = ctx.metric_position
    new, changed = [], []
    for m in plan.metrics:
        stored = ctx.metrics.get(m.key)
        if stored is None:
            count.added += 1
            position += 1
            new.append({"key": m.key, "label": m.label, "unit": m.unit or "", "position": position})
            continue
        wanted = (
            m.label if m.label is not None else stored[1],
            m.unit if m.unit is not None else stored[2],
        )
        if count.one(stored[1:], wanted):
            changed.append({"b_label": wanted[0], "b_unit": wanted[1], "b_key": m.key})
    metric = metadata.tables["metric"]
    if write and changed:
        session.execute(_by_key(metric, "key", ("label", "unit")), changed)
    if write and new:
        session.execute(insert(metric).values(builtin=False), new)


def _tiers(
    session: Session, plan: Plan, ctx: Context, count: Count, replace: bool, write: bool
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
            new.append({"id": tier_id, "name": t.name, **values, "position": position})
            goals_of.append((tier_id, dict(t.goals or ())))
            count.added += 1
            continue
        values = {**stored.fields, **t.values}
        goals = dict(stored.goals)
        if t.goals is not None:
            goals = dict(t.goals) if replace else {**goals, **dict(t.goals)}
        name = t.name if replace else stored.name
        if count.one((stored.name, stored.fields, stored.goals), (name, values, goals)):
            changed.append((stored.id, {"name": name, **values}))
            goals_of.append((stored.id, goals))
    if write:
        _write_tiers(session, changed, new, goals_of)
    return tier_ids


def _write_tiers(
    session: Session,
    changed: list[tuple[int, dict[str, Any]]],
    new: list[dict[str, Any]],
    goals_of: list[tuple[int, dict[str, int]]],
) -> None:
    # A row at a time (a file holds a few tiers): services goes in as its text.
    tier, tier_goal = metadata.tables["tier"], metadata.tables["tier_goal"]
    for tier_id, values in changed:
        session.execute(update_(tier).where(tier.c.id == tier_id).values(row_values(tier, values)))
    for values in new:
        session.execute(insert(tier).values(row_values(tier, values)))
    if goals_of:
        ids = [i for i, _ in goals_of]
        session.execute(delete(tier_goal).where(tier_goal.c.tier_id.in_(ids)))
    goals = [
        {"tier_id": i, "metric_key": key, "target": target}
        for i, goals in goals_of
        for key, target in goals.items()
    ]
    if goals:
        session.execute(insert(tier_goal), goals)


def _clients(
    session: Session,
    plan: Plan,
    ctx: Context,
    tier_ids: dict[str, int],
    count: Count,
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
            new.append(
                {"id": client_id, "name": c.name, "tier_id": tier_id, **CLIENT_DEFAULTS, **c.values}
            )
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
            changed.append({"id": stored.id, "name": wanted[0], "tier_id": wanted[1], **fields})
    client = metadata.tables["client"]
    if write and changed:
        session.execute(
            _by_key(client, "id", _CLIENT_COLUMNS),
            [{f"b_{k}": v for k, v in with_dates(client, row).items()} for row in changed],
        )
    if write and new:
        session.execute(insert(client), [with_dates(client, row) for row in new])
    return pairs


def _stored(
    session: Session, table: str, columns: tuple[str, ...], ids: list[int], *order: str
) -> dict[int, list[tuple[Any, ...]]]:
    """The columns of the clients' stored rows (as stored_columns reads them), per client."""
    t = metadata.tables[table]
    stmt = (
        select(t.c.client_id, *stored_columns(t, columns))
        .where(t.c.client_id.in_(ids))
        .order_by(*(t.c[name] for name in order))
    )
    found: dict[int, list[tuple[Any, ...]]] = {cid: [] for cid in ids}
    for row in session.connection().execute(stmt):
        found[row[0]].append(tuple(row[1:]))
    return found


def _merge_rows(
    session: Session,
    chunk: list[tuple[int, ClientPlan]],
    tier_ids: dict[str, int],
    counts: dict[str, Count],
    replace: bool,
    write: bool,
) -> None:
    """The month rows, prospect and objections of stored clients the file names."""
    ids = [cid for cid, _ in chunk]
    writes: list[tuple[_Rows, list[tuple[Any, ...]]]] = []
    for spec in _MONTH_ROWS:
        count = counts[spec.kind]
        n = len(spec.keys)
        stored = _stored(session, spec.table, (*spec.keys, *spec.values), ids)
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
    prospects = _stored(session, "prospect", tuple(PROSPECT_DEFAULTS), ids)
    objections = _stored(
        session,
        "objection",
        ("position", "kind", "text", "answer"),
        ids,
        "client_id",
        "position",
    )
    if write and replace:
        for name in _CHILD_TABLES:
            table = metadata.tables[name]
            session.execute(delete(table).where(table.c.client_id.in_(ids)))
    if write:
        for spec, rows in writes:
            spec.write(session, rows)
    if replace:
        for cid, c in chunk:
            count_replaced_prospect(c, prospects[cid], objections[cid], tier_ids, counts)
        if write:
            write_prospects(session, ((cid, c.prospect) for cid, c in chunk), tier_ids)
        return
    for cid, c in chunk:
        if c.prospect is not None:
            merge_prospect(session, cid, c, prospects[cid], tier_ids, counts["prospects"], write)
            merge_objections(session, cid, c, objections[cid], counts["objections"], write)
