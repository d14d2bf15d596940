"""The month view's statements: a row per client, the targets in force with their actuals,
the payments that decide what is owed; built from the table classes once and kept.

SQLAlchemy and the table classes are imported inside the builders: the app's screens
import month_view before their first frame, which must not wait for SQLAlchemy.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from retainer_tui.domain.month import Month

# The month-independent statements, built once from the table classes on first use
# (about 1 ms a load saved; SQLAlchemy stays off the app's start-up path). Bound
# parameters: m (the month), last (the month before the as-of date), base and now (see
# month_rules.payments_owed). The targets read holds the month (goal_in_force): kept per month.
_statements: dict[str, Any] = {}


def _clients_stmt() -> Any:
    """A row per client, by name. The two correlated columns count the client's sent
    reports within its months of service up to :last and give the latest of them, read
    from the report primary key per client: when the sent ones are the first months of
    that span (the usual case), the owed ones are the months after the latest, with no
    further query."""
    from sqlalchemy import String, and_, bindparam, func, or_, select

    from retainer_tui.db.models import Client, Hours, Payment, Report, Tier

    c, t, h, p = table(Client).c, table(Tier).c, table(Hours).c, table(Payment).c
    report = table(Report)
    r, s = report.alias("r"), report.alias("s")
    m, last = bindparam("m", type_=String), bindparam("last", type_=String)
    sent_in_span = and_(
        s.c.client_id == c.id,
        s.c.sent_on.is_not(None),
        s.c.month >= _first_owed_column(),
        s.c.month <= last,
        or_(c.end_month.is_(None), s.c.month <= c.end_month),
    )
    return (
        select(
            c.id,
            c.name,
            c.company,
            c.status,
            t.name,
            func.coalesce(c.fee_override_cents, t.monthly_fee_cents, 0),
            t.included_hours,
            c.start_month,
            c.end_month,
            c.billing_day,
            c.report_due_day,
            h.hours_x100,
            p.received_on,
            r.c.sent_on,
            select(func.count()).where(sent_in_span).scalar_subquery(),
            select(func.max(s.c.month)).where(sent_in_span).scalar_subquery(),
            p.amount_cents,
            c.tracked_from,
        )
        .select_from(table(Client))
        .outerjoin(table(Tier), t.id == c.tier_id)
        .outerjoin(table(Hours), and_(h.client_id == c.id, h.month == m))
        .outerjoin(table(Payment), and_(p.client_id == c.id, p.month == m))
        .outerjoin(r, and_(r.c.client_id == c.id, r.c.month == m))
        # lower() folds ASCII only on SQLite, as the name's NOCASE does (names are unique
        # under it, so no ties there); the name itself orders PostgreSQL's ties.
        .order_by(func.lower(c.name), c.name)
    )


@lru_cache(maxsize=24)
def targets_statement(month: Month) -> Any:
    """Per client and metric, the target in force in the month (carry-forward: set then or
    the latest earlier one, a correlated MAX on the goal primary key), with the month's
    actual. A target of 0 stops tracking. (A ROW_NUMBER() window instead measured a third
    slower on SQLite at 10,000 clients.)"""
    from sqlalchemy import and_, select

    from retainer_tui.db.models import Goal, Result
    from retainer_tui.services.carry_forward import goal_in_force

    g, res = table(Goal).c, table(Result).c
    return (
        select(g.client_id, g.metric_key, g.target, res.actual)
        .select_from(table(Goal))
        .outerjoin(
            table(Result),
            and_(
                res.client_id == g.client_id,
                res.metric_key == g.metric_key,
                res.month == str(month),
            ),
        )
        .where(goal_in_force(month), g.target > 0)
    )


def _first_owed_column() -> Any:
    """The first month a client owes a report or a payment for: its tracked-from month when
    that is later than its start month, else the start month (domain.clients.first_tracked;
    NULL without a start month). This and month_rules.first_owed must name the same month."""
    from sqlalchemy import case

    from retainer_tui.db.models import Client

    c = table(Client).c
    # CASE, not max()/GREATEST(): the same text on SQLite and PostgreSQL, and a NULL
    # tracked-from compares as unknown, so the start month stands.
    return case((c.tracked_from > c.start_month, c.tracked_from), else_=c.start_month)


def _paid_stmt() -> Any:
    """Per client that can owe: how many months from its first owed one up to :base (a
    month past its grace whatever the billing day) are paid in full, read from the payment
    primary key per client. When that count covers the whole early span, only the later
    months (_recent_stmt) can be owed."""
    from sqlalchemy import String, bindparam, func, or_, select

    from retainer_tui.db.models import Client, Payment, Tier

    c, t, q = table(Client).c, table(Tier).c, table(Payment).c
    first = _first_owed_column()
    full = (
        select(func.count())
        .where(
            q.client_id == c.id,
            q.month >= first,
            q.month <= bindparam("base", type_=String),
            or_(c.end_month.is_(None), q.month <= c.end_month),
            q.amount_cents >= func.coalesce(c.fee_override_cents, t.monthly_fee_cents, 0),
        )
        .scalar_subquery()
    )
    return (
        select(c.id, full)
        .select_from(table(Client))
        .outerjoin(table(Tier), t.id == c.tier_id)
        .where(c.status.in_(("active", "ended")), first.is_not(None))
    )


def _recent_stmt() -> Any:
    """Every payment after :base up to the as-of month :now (a month or two per client),
    by client and month."""
    from sqlalchemy import String, bindparam, select

    from retainer_tui.db.models import Payment

    q = table(Payment).c
    return (
        select(q.client_id, q.month, q.amount_cents)
        .where(q.month > bindparam("base", type_=String), q.month <= bindparam("now", type_=String))
        .order_by(q.client_id, q.month)
    )


def table(model: Any) -> Any:
    """The table class's Core Table (SQLModel leaves __table__ untyped)."""
    return model.__table__


def statement(name: str) -> Any:
    """The named month-independent statement (clients, paid, recent), built on first use."""
    found = _statements.get(name)
    if found is None:
        found = _statements[name] = _BUILDERS[name]()
    return found


_BUILDERS = {
    "clients": _clients_stmt,
    "paid": _paid_stmt,
    "recent": _recent_stmt,
}
