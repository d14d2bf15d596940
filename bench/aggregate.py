"""The baseline for the month figures: the same figures straight out of sqlite3, no rules.

One row per client (tier, fee, hours, payment, report, sent reports within its months of
service) and one row per client and metric (the target in force, carried forward, and the
actual), over the covering indexes. It is the floor that `load_month` (and so `retainer
status` and the dashboard's month change) is compared with. SCRIPT runs it in a bare
`python -c`, printing JSON as `retainer status --json` does.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

CLIENTS_SQL = """
SELECT c.id, c.name, c.status, t.name, COALESCE(c.fee_override_cents, t.monthly_fee_cents, 0),
       h.hours_x100, p.received_on, r.sent_on,
       (SELECT count(*) FROM report s WHERE s.client_id = c.id AND s.sent_on IS NOT NULL
          AND s.month >= CASE WHEN c.tracked_from > c.start_month THEN c.tracked_from
                              ELSE c.start_month END
          AND s.month <= :last
          AND (c.end_month IS NULL OR s.month <= c.end_month))
FROM client c
LEFT JOIN tier t ON t.id = c.tier_id
LEFT JOIN hours h ON h.client_id = c.id AND h.month = :m
LEFT JOIN payment p ON p.client_id = c.id AND p.month = :m
LEFT JOIN report r ON r.client_id = c.id AND r.month = :m
ORDER BY c.name COLLATE NOCASE
"""

TARGETS_SQL = """
SELECT g.client_id, g.metric_key, g.target, r.actual
FROM (SELECT client_id, metric_key, target, MAX(month) FROM goal WHERE month <= :m
      GROUP BY client_id, metric_key) AS g
LEFT JOIN result r ON r.client_id = g.client_id AND r.metric_key = g.metric_key
                  AND r.month = :m
WHERE g.target > 0
"""


def aggregate(path: Path, month: str, last: str) -> tuple[list[tuple], list[tuple]]:
    """Both row sets for the month, on a new connection (as load_month opens one)."""
    conn = sqlite3.connect(path)
    try:
        params = {"m": month, "last": last}
        return (
            conn.execute(CLIENTS_SQL, params).fetchall(),
            conn.execute(TARGETS_SQL, params).fetchall(),
        )
    finally:
        conn.close()


def script(path: Path, month: str, last: str) -> str:
    """A `python -c` program that runs the aggregate and prints it as JSON."""
    return (
        "import json, sqlite3, sys\n"
        f"conn = sqlite3.connect({str(path)!r})\n"
        f"p = {{'m': {month!r}, 'last': {last!r}}}\n"
        f"clients = conn.execute({CLIENTS_SQL!r}, p).fetchall()\n"
        f"targets = conn.execute({TARGETS_SQL!r}, p).fetchall()\n"
        "json.dump({'clients': clients, 'targets': targets}, sys.stdout, indent=2)\n"
    )
