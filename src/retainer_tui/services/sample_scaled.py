"""A large synthetic dataset for benchmarks: thousands of clients, years of monthly data.

Rows come from arithmetic on the client, metric and month indexes plus small noise tables
drawn once from a seeded Random (no random call per row), are inserted in primary-key
order in batches of Core executemany (a bounded list at a time, not the whole table), and are
written in one transaction.

Shape, for client i (0-based) of n, over the `months` months ending at the as-of month M:
- tier i % 3; a fee override on every 11th client; all clients active from the first month;
- (i % 5) + 1 metrics, the first ones of the built-in catalogue, each with a target from
  the first month; every 4th client's first target is raised half-way (carry-forward);
- a result for every metric and month, except the first metric in M for i % 10 == 3
  (no_data); actuals in M are scaled to the elapsed part of the month;
- hours every month; a payment every month except M for i % 10 == 7;
- a sent report for every month before M except M-1 for i % 7 == 0 (owed).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import islice
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, SQLModel

from retainer_tui.db.engine import Database
from retainer_tui.db.models import Client, Goal, Hours, Payment, Report, Result
from retainer_tui.domain.catalogue import BUILTIN_METRICS
from retainer_tui.domain.month import Month
from retainer_tui.services.sample import ensure_catalogue, refuse_if_clients

_TIER_NAMES = ("Tier 1", "Tier 2", "Tier 3")
_BASE_TARGETS = {
    "new_followers": 400,
    "posts_shared": 30,
    "conversions": 10,
    "blog_posts": 4,
    "newsletters": 2,
}
_METRIC_KEYS = tuple(m.key for m in BUILTIN_METRICS)
_OVERRIDE_CENTS = 2_500_00
# Rows per executemany: large enough that a batch costs little, small enough that 10,000
# clients' results (millions of rows) are never all held as dicts at once.
_BATCH = 20_000


def _insert_all(session: Session, model: type[SQLModel], rows: Iterable[dict[str, Any]]) -> None:
    it = iter(rows)
    while batch := list(islice(it, _BATCH)):
        # On the Session's Connection: Core's executemany without the ORM's bulk-insert
        # handling of each dict (1,000 clients x 60 months: 2.6 s through the Session,
        # 1.6 s here), in the same transaction.
        session.connection().execute(insert(model), batch)


def generate_scaled(db: Database, *, clients: int, months: int, as_of: date, seed: int = 0) -> None:
    """Write `clients` active clients with `months` months of data each (benchmarks)."""
    if clients < 1 or months < 1:
        raise ValueError("clients and months must be at least 1")
    m = Month.of(as_of)
    month_list = [m.plus(k - (months - 1)) for k in range(months)]
    month_texts = [str(x) for x in month_list]
    first_text = month_texts[0]
    last = months - 1
    half = months // 2
    day, days = as_of.day, m.days
    width = len(str(clients))
    # Noise tables: a few thousand random draws instead of one per row.
    rng = random.Random(seed)
    client_noise = [rng.randrange(61) for _ in range(clients)]
    month_noise = [rng.randrange(61) for _ in range(months)]
    metric_noise = [rng.randrange(61) for _ in _METRIC_KEYS]
    # Dates computed once per month (and billing day) rather than per row.
    paid_on = [[min(x.day(billing_day), as_of) for billing_day in range(1, 29)] for x in month_list]
    sent_on = [min(x.next().day(3), as_of) for x in month_list]

    with db.writing() as session:
        refuse_if_clients(session)
        tiers = ensure_catalogue(session)
        tier_rows = [tiers[name] for name in _TIER_NAMES]

        def client_rows() -> Iterator[dict[str, Any]]:
            for i in range(clients):
                number = f"{i + 1:0{width}d}"
                yield {
                    "id": i + 1,
                    "name": f"Client {number}",
                    "company": f"Company {number}",
                    "decision_maker": f"Owner {number}",
                    "email": f"client{number}@example.com",
                    "phone": f"+1 555 01{i % 100:02d}",
                    "service_type": "social media",
                    "tier_id": tier_rows[i % 3][0],
                    "fee_override_cents": _OVERRIDE_CENTS if i % 11 == 0 else None,
                    "billing_day": 1 + i % 28,
                    "report_due_day": 5,
                    "start_month": first_text,
                    "end_month": None,
                    "status": "active",
                    "notes": "",
                    "stage": "",
                    "next_action": "",
                    "next_action_on": None,
                    "objections": "",
                }

        def goal_rows() -> Iterator[dict[str, Any]]:
            for i in range(clients):
                for k in range(i % 5 + 1):
                    key = _METRIC_KEYS[k]
                    base = _BASE_TARGETS[key]
                    yield {
                        "client_id": i + 1,
                        "metric_key": key,
                        "month": first_text,
                        "target": base,
                    }
                    if k == 0 and i % 4 == 0 and half > 0:
                        raised = base + base // 4
                        yield {
                            "client_id": i + 1,
                            "metric_key": key,
                            "month": month_texts[half],
                            "target": raised,
                        }

        def result_rows() -> Iterator[dict[str, Any]]:
            for i in range(clients):
                cid = i + 1
                for k in range(i % 5 + 1):
                    key = _METRIC_KEYS[k]
                    base = _BASE_TARGETS[key]
                    raised = base + base // 4 if k == 0 and i % 4 == 0 and half > 0 else base
                    noise = client_noise[i] + metric_noise[k]
                    for j in range(last):
                        target = raised if j >= half else base
                        # 92%..140% of the target: most months met, some missed.
                        share = 92 + (noise + month_noise[j] * (k + 1)) % 49
                        actual = target * share // 100
                        yield {
                            "client_id": cid,
                            "metric_key": key,
                            "month": month_texts[j],
                            "actual": actual,
                        }
                    if k == 0 and i % 10 == 3:
                        continue  # not entered yet this month: no_data
                    target = raised if last >= half else base
                    # 80%..135% of the pace so far (rounded): mostly on track, some not.
                    share = 80 + (noise + month_noise[last] * (k + 1)) % 56
                    actual = (target * share * day + 50 * days) // (100 * days)
                    yield {
                        "client_id": cid,
                        "metric_key": key,
                        "month": month_texts[last],
                        "actual": actual,
                    }

        def hours_rows() -> Iterator[dict[str, Any]]:
            for i in range(clients):
                included = tier_rows[i % 3][2]
                noise = client_noise[i]
                for j in range(months):
                    share = 50 + (noise + month_noise[j] * 3) % 56  # 50%..105% of included
                    worked = included * share // 25 * 25
                    yield {"client_id": i + 1, "month": month_texts[j], "hours_x100": worked}

        def payment_rows() -> Iterator[dict[str, Any]]:
            for i in range(clients):
                fee = _OVERRIDE_CENTS if i % 11 == 0 else tier_rows[i % 3][1]
                billing = i % 28
                for j in range(months):
                    if j == last and i % 10 == 7:
                        continue  # this month's retainer not received
                    yield {
                        "client_id": i + 1,
                        "month": month_texts[j],
                        "amount_cents": fee,
                        "received_on": paid_on[j][billing],
                    }

        def report_rows() -> Iterator[dict[str, Any]]:
            for i in range(clients):
                for j in range(last):
                    if j == last - 1 and i % 7 == 0:
                        continue  # last month's report still owed
                    yield {
                        "client_id": i + 1,
                        "month": month_texts[j],
                        "sent_on": sent_on[j],
                        "highlights": "",
                    }

        _insert_all(session, Client, client_rows())
        _insert_all(session, Goal, goal_rows())
        _insert_all(session, Result, result_rows())
        _insert_all(session, Hours, hours_rows())
        _insert_all(session, Payment, payment_rows())
        _insert_all(session, Report, report_rows())
