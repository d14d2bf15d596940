"""Writing all data as a data file: TOML (the product's shape) or JSON (same shape); CSV
sheets are written by services/csv_export.py.

Output is deterministic (tiers by position, clients by name, months ascending, metrics in
catalogue order), so that export → import → export gives the same bytes. Clients are read
a chunk at a time (a few bulk selects per chunk, built from the table classes) and
rendered one at a time, so memory stays flat with thousands of clients.
"""

from __future__ import annotations

import json
import string
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, Select, not_, select
from sqlmodel import Session, col

from retainer_tui.db.engine import Database
from retainer_tui.db.models import (
    Client,
    Goal,
    Hours,
    Meta,
    Metric,
    Objection,
    Payment,
    Prospect,
    Report,
    Result,
    Tier,
    TierGoal,
)
from retainer_tui.db.statements import as_text
from retainer_tui.domain.money import decimal_string
from retainer_tui.services.data_file import EXPORT_FORMATS, FORMAT_ID, collector_paused
from retainer_tui.services.data_file_text import json_text, toml_text
from retainer_tui.services.pipeline_data import prospect_document

# Clients whose rows are read at once: a few statements per chunk instead of several per
# client, while memory stays bounded by the chunk.
_CHUNK = 500
_ASCII_FOLD = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def _select(*columns: Any) -> Select[*tuple[Any, ...]]:
    # Typed Any: mypy sees each model field's Python type, not its column.
    return select(*columns)


def _as_text(column: Any) -> Any:
    # A date column read as its stored text: parsed below exactly as before, so a value
    # the Date type could not parse is handled as it always was.
    return as_text(column)


def export_text(db: Database, fmt: str) -> str:
    """All data in the format ('toml', 'json' or 'csv'), read in one consistent snapshot."""
    fmt = fmt.lower()
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use toml, json or csv")
    with collector_paused(), db.reading() as session:
        conn = session.connection()
        if fmt == "csv":
            from retainer_tui.services.csv_export import flat_sheet

            return flat_sheet(conn)
        head = _head_document(conn)
        clients = _client_documents(session, conn)
        if fmt == "json":
            return json_text(head, clients)
        return toml_text(head, clients)


# ---------------------------------------------------------------- the document (shared)


def _metric_rank(conn: Connection) -> dict[str, int]:
    """Catalogue order of every metric key: built-ins first, then user-defined ones."""
    rows = conn.execute(_select(Metric.key).order_by(col(Metric.position), col(Metric.key)))
    return {key: i for i, (key,) in enumerate(rows)}


def _head_document(conn: Connection) -> dict[str, Any]:
    """Everything but the clients: format, currency, user-defined metrics, tiers."""
    currency = conn.execute(_select(Meta.value).where(col(Meta.key) == "currency")).scalar()
    metrics = [
        {"key": key, "label": label, "unit": unit}
        for key, label, unit in conn.execute(
            _select(Metric.key, Metric.label, Metric.unit)
            .where(not_(col(Metric.builtin)))
            .order_by(col(Metric.position), col(Metric.key))
        )
    ]
    goals: dict[int, dict[str, int]] = {}
    for tier_id, key, target in conn.execute(
        _select(TierGoal.tier_id, TierGoal.metric_key, TierGoal.target)
        .join(Metric, col(Metric.key) == TierGoal.metric_key)
        .order_by(col(TierGoal.tier_id), col(Metric.position), col(Metric.key))
    ):
        goals.setdefault(tier_id, {})[key] = target
    tiers = []
    for tier_id, name, fee, hours, services, description in conn.execute(
        # services as its stored text: an empty one reads as no services, as it always has.
        _select(
            Tier.id,
            Tier.name,
            Tier.monthly_fee_cents,
            Tier.included_hours,
            as_text(Tier.services),
            Tier.description,
        ).order_by(col(Tier.position), col(Tier.id))
    ):
        tier: dict[str, Any] = {
            "name": name,
            "monthly_fee": decimal_string(fee),
            "included_hours": hours,
            "services": list(json.loads(services) if services else []),
        }
        if tier_id in goals:
            tier["goals"] = goals[tier_id]
        if description:
            tier["description"] = description
        tiers.append(tier)
    return {
        "format": FORMAT_ID,
        "currency": currency if currency is not None else "USD",
        "metrics": metrics,
        "tiers": tiers,
    }


def _by_month(rows: list[tuple[str, str, int]], rank: dict[str, int]) -> dict[str, dict[str, int]]:
    """(month, metric, value) rows as month -> metric -> value, both in their order."""
    months: dict[str, list[tuple[int, str, int]]] = {}
    for month, key, value in rows:
        months.setdefault(month, []).append((rank.get(key, len(rank)), key, value))
    return {
        month: {key: value for _, key, value in sorted(months[month])} for month in sorted(months)
    }


def _hours_number(hours_x100: int) -> float:
    # x/100 as the nearest float; its repr is the exact decimal (at most two places).
    return hours_x100 / 100


def _in_name_order(rows: Sequence[Any]) -> list[Any]:
    """Rows whose [0] is the id and [1] the name, in the order the client list shows:
    the name compared as SQLite's NOCASE does (ASCII letters folded, then code points),
    then the name, then the id. Sorted here so that every database gives that order."""
    return sorted(rows, key=lambda r: (r[1].translate(_ASCII_FOLD), r[1], r[0]))


def _by_client(conn: Connection, stmt: Any, ids: list[int]) -> dict[int, list[tuple[Any, ...]]]:
    """The rows of stmt (client_id first) for the clients ids, per client in stmt's order."""
    found: dict[int, list[tuple[Any, ...]]] = {cid: [] for cid in ids}
    for row in conn.execute(stmt):
        found[row[0]].append(tuple(row[1:]))
    return found


def _chunks(rows: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(rows), _CHUNK):
        yield rows[start : start + _CHUNK]


def _month_values(
    conn: Connection, model: Any, value: Any, ids: list[int]
) -> dict[int, list[tuple[Any, ...]]]:
    """(month, metric, value) rows of goals or results, per client."""
    stmt = _select(model.client_id, model.month, model.metric_key, value).where(
        col(model.client_id).in_(ids)
    )
    return _by_client(conn, stmt, ids)


def _client_documents(session: Session, conn: Connection) -> Iterator[dict[str, Any]]:
    """One dict per client, in name order, shaped like the data file's [[clients]]."""
    rank = _metric_rank(conn)
    rows = conn.execute(
        _select(
            Client.id,
            Client.name,
            Tier.name,
            Client.fee_override_cents,
            Client.status,
            Client.start_month,
            Client.end_month,
            Client.tracked_from,
            Client.billing_day,
            Client.report_due_day,
            Client.company,
            Client.decision_maker,
            Client.email,
            Client.phone,
            Client.service_type,
            Client.stage,
            Client.next_action,
            _as_text(Client.next_action_on),
            Client.objections,
            Client.notes,
        ).outerjoin(Tier, col(Tier.id) == Client.tier_id)
    ).all()
    for chunk in _chunks(_in_name_order(rows)):
        ids = [row[0] for row in chunk]
        yield from _chunk_documents(session, conn, chunk, ids, rank)


def _given(doc: dict[str, Any], **values: Any) -> None:
    """Add the values the client has, in the order given: the file leaves out a field
    that is None or empty text."""
    doc.update((key, value) for key, value in values.items() if value is not None and value != "")


def _chunk_documents(
    session: Session, conn: Connection, chunk: list[Any], ids: list[int], rank: dict[str, int]
) -> Iterator[dict[str, Any]]:
    goals_of = _month_values(conn, Goal, Goal.target, ids)
    results_of = _month_values(conn, Result, Result.actual, ids)
    hours_of = _by_client(
        conn,
        _select(Hours.client_id, Hours.month, Hours.hours_x100)
        .where(col(Hours.client_id).in_(ids))
        .order_by(col(Hours.client_id), col(Hours.month)),
        ids,
    )
    payments_of = _by_client(
        conn,
        _select(
            Payment.client_id, Payment.month, Payment.amount_cents, _as_text(Payment.received_on)
        )
        .where(col(Payment.client_id).in_(ids))
        .order_by(col(Payment.client_id), col(Payment.month)),
        ids,
    )
    reports_of = _by_client(
        conn,
        _select(Report.client_id, Report.month, _as_text(Report.sent_on), Report.highlights)
        .where(col(Report.client_id).in_(ids))
        .order_by(col(Report.client_id), col(Report.month)),
        ids,
    )
    # Only these clients can have a prospect document; the others are not asked for one.
    pipeline = set(
        conn.execute(_select(Prospect.client_id).where(col(Prospect.client_id).in_(ids))).scalars()
    )
    pipeline.update(
        conn.execute(
            _select(Objection.client_id).where(col(Objection.client_id).in_(ids)).distinct()
        ).scalars()
    )
    for (
        client_id,
        name,
        tier,
        fee_override,
        status,
        start,
        end,
        tracked_from,
        billing_day,
        report_due_day,
        company,
        decision_maker,
        email,
        phone,
        service_type,
        stage,
        next_action,
        next_action_on,
        objections,
        notes,
    ) in chunk:
        doc: dict[str, Any] = {"name": name}
        fee = None if fee_override is None else decimal_string(fee_override)
        _given(doc, tier=tier, monthly_fee=fee)
        doc["status"] = status
        _given(doc, start=start, end=end, tracked_from=tracked_from)
        doc["billing_day"] = billing_day
        doc["report_due_day"] = report_due_day
        _given(doc, company=company, decision_maker=decision_maker, email=email, phone=phone)
        doc["service_type"] = service_type
        on = date.fromisoformat(next_action_on) if next_action_on else None
        _given(doc, stage=stage, next_action=next_action, next_action_on=on)
        _given(doc, objections=objections, notes=notes)
        goals = _by_month(goals_of[client_id], rank)
        if goals:
            doc["goals"] = goals
        results = _by_month(results_of[client_id], rank)
        if results:
            doc["results"] = results
        hours = {m: _hours_number(h) for m, h in hours_of[client_id]}
        if hours:
            doc["hours"] = hours
        payments = [
            {
                "month": month,
                "amount": decimal_string(amount),
                "received": date.fromisoformat(received),
            }
            for month, amount, received in payments_of[client_id]
        ]
        if payments:
            doc["payments"] = payments
        reports = []
        for month, sent, highlights in reports_of[client_id]:
            report: dict[str, Any] = {"month": month}
            if sent:
                report["sent"] = date.fromisoformat(sent)
            if highlights:
                report["highlights"] = highlights
            reports.append(report)
        if reports:
            doc["reports"] = reports
        prospect = prospect_document(session, client_id, rank) if client_id in pipeline else None
        if prospect:
            doc["prospect"] = prospect
        yield doc
