"""Small raw-SQL builders for tests that need a few rows without the write services."""

from __future__ import annotations

from retainer_tui.db.engine import Database


def add_client(
    db: Database,
    name: str,
    *,
    tier: str | None = "Tier 1",
    fee_cents: int | None = None,
    status: str = "active",
    start: str | None = "2026-01",
    end: str | None = None,
    billing_day: int = 1,
    report_due_day: int = 5,
    company: str = "",
) -> int:
    with db.write() as conn:
        tier_id = None
        if tier is not None:
            tier_id = conn.execute("SELECT id FROM tier WHERE name = ?", (tier,)).fetchone()[0]
        cur = conn.execute(
            "INSERT INTO client (name, company, decision_maker, email, phone, service_type,"
            " tier_id, fee_override_cents, billing_day, report_due_day, start_month,"
            " end_month, status, notes, stage, next_action, objections)"
            " VALUES (?, ?, '', '', '', 'social media', ?, ?, ?, ?, ?, ?, ?, '', '', '', '')",
            (name, company, tier_id, fee_cents, billing_day, report_due_day, start, end, status),
        )
        return int(cur.lastrowid or 0)


def set_goal(db: Database, client_id: int, metric: str, month: str, target: int) -> None:
    with db.write() as conn:
        conn.execute(
            "INSERT OR REPLACE INTO goal (client_id, metric_key, month, target) VALUES (?,?,?,?)",
            (client_id, metric, month, target),
        )


def set_result(db: Database, client_id: int, metric: str, month: str, actual: int) -> None:
    with db.write() as conn:
        conn.execute(
            "INSERT OR REPLACE INTO result (client_id, metric_key, month, actual) VALUES (?,?,?,?)",
            (client_id, metric, month, actual),
        )


def mark_paid(db: Database, client_id: int, month: str, cents: int, on: str) -> None:
    with db.write() as conn:
        conn.execute(
            "INSERT OR REPLACE INTO payment (client_id, month, amount_cents, received_on)"
            " VALUES (?,?,?,?)",
            (client_id, month, cents, on),
        )


def mark_sent(db: Database, client_id: int, month: str, on: str) -> None:
    with db.write() as conn:
        conn.execute(
            "INSERT OR REPLACE INTO report (client_id, month, sent_on, highlights)"
            " VALUES (?,?,?,'')",
            (client_id, month, on),
        )
