"""The sample data set and the scaled generator, pinned against hand-computed figures.

At as-of 2026-11-20 the selected month M is 2026-11 (30 days), so the elapsed fraction is
f = 20/30 = 2/3 and, with the default tolerance 0.2, a metric with target T and actual A is
on_track if A >= T*2/3, at_risk if A >= 0.8*T*2/3, else behind (met if A >= T).
"""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from retainer_tui.db.engine import Database
from retainer_tui.domain.month import Month
from retainer_tui.services.month_view import MonthView, load_month
from retainer_tui.services.sample import load_sample_data
from retainer_tui.services.sample_scaled import generate_scaled
from tests.raw import dump, raw

pytestmark = pytest.mark.both_engines

M = Month(2026, 11)
M1 = Month(2026, 10)

# name -> (client status, month status, report for the month, payment for the month)
EXPECTED_NOVEMBER = {
    # nf T=400 (raised from 300 in 2026-06): E=266.67, A=ceil(E)=267 -> on_track;
    # ps T=30: E=20, A=20 -> on_track; cv T=8: E=5.33, A=6 -> on_track.
    # Billing day 1, paid on Nov 1-3 -> received.
    "Rossi Bakery": ("active", "on_track", "not_due", "received"),
    # nf T=250, A=250+250//20=262 -> met; ps T=25, A=25+1=26 -> met.
    # Billing day 25: due Nov 25, not received, Nov 20 <= Nov 25+7 -> expected.
    "Harbor & Pine Coffee": ("active", "met", "not_due", "expected"),
    # nf T=400: E=266.67, A=ceil(0.9*E)=240, 0.8*E=213.33 <= 240 < 266.67 -> at_risk;
    # ps T=35: E=23.33, A=24 -> on_track; cv T=6: E=4, A=4 -> on_track.
    # Billing day 10, paid Nov 10-12 -> received.
    "Studio Bianchi Architetti": ("active", "at_risk", "not_due", "received"),
    # nf T=1200: E=800, A=800 on_track; ps T=60: E=40, A=40 on_track;
    # cv T=30 (raised from 20 in 2026-05): E=20, A=floor(20/2)=10 < 0.8*20=16 -> behind.
    "Enoteca Verdi": ("active", "behind", "not_due", "received"),
    # cv T=5: E=3.33, A=4 on_track; blog T=4: E=2.67, A=3 on_track; newsletters T=2 not
    # entered -> no_data. Billing day 1: Nov 20 > Nov 1 + 7 days, not received -> late.
    "Greco Dental Clinic": ("active", "no_data", "not_due", "late"),
    # nf T=150: E=100, A=100 on_track; ps T=20, A=21 met. Trials are not billed monthly.
    "Fiori di Sara": ("trial", "on_track", "not_due", "not_applicable"),
    "Northwind Fitness": ("paused", "no_goals", "not_applicable", "not_applicable"),
    "Moretti Interiors": ("ended", "no_goals", "not_applicable", "not_applicable"),
    "Gelateria Esposito": ("prospect", "no_goals", "not_applicable", "not_applicable"),
}

EXPECTED_OCTOBER = {
    # Ended month: "met" plans deliver T + max(1, T//20): 420, 31, 9.
    "Rossi Bakery": ("active", "met", "sent", "received"),
    "Harbor & Pine Coffee": ("active", "met", "sent", "received"),
    # cv T=6, A=6*2//3=4 < 6 in an ended month -> missed. Report due by Nov 25 -> due.
    "Studio Bianchi Architetti": ("active", "missed", "due", "received"),
    # 1260, 63, 31 all met; report for October was due Nov 5 -> overdue.
    "Enoteca Verdi": ("active", "met", "overdue", "received"),
    # newsletters never entered for an ended month -> missing.
    "Greco Dental Clinic": ("active", "missing", "sent", "received"),
    # First trial month: 157 >= 150, 21 >= 20 -> met.
    "Fiori di Sara": ("trial", "met", "sent", "not_applicable"),
    "Northwind Fitness": ("paused", "no_goals", "not_applicable", "not_applicable"),
    "Moretti Interiors": ("ended", "no_goals", "not_applicable", "not_applicable"),
    "Gelateria Esposito": ("prospect", "no_goals", "not_applicable", "not_applicable"),
}

# name -> {metric: (target, actual)} for November, from the arithmetic above.
EXPECTED_NOVEMBER_CELLS = {
    "Rossi Bakery": {"new_followers": (400, 267), "posts_shared": (30, 20), "conversions": (8, 6)},
    "Harbor & Pine Coffee": {"new_followers": (250, 262), "posts_shared": (25, 26)},
    "Studio Bianchi Architetti": {
        "new_followers": (400, 240),
        "posts_shared": (35, 24),
        "conversions": (6, 4),
    },
    "Enoteca Verdi": {
        "new_followers": (1200, 800),
        "posts_shared": (60, 40),
        "conversions": (30, 10),
    },
    "Greco Dental Clinic": {"conversions": (5, 4), "blog_posts": (4, 3), "newsletters": (2, None)},
    "Fiori di Sara": {"new_followers": (150, 100), "posts_shared": (20, 21)},
}


def _summary(view: MonthView) -> dict[str, tuple[str, str, str, str]]:
    return {
        c.name: (str(c.status), str(c.month_status), str(c.report), str(c.payment))
        for c in view.clients
    }


def _day(value: date | str) -> date:
    """A stored date: text on SQLite, a date on PostgreSQL."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def _count(db: Database, table: str) -> int:
    with raw(db) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_november_statuses(sample_db: Database, as_of: date) -> None:
    view = load_month(sample_db, month=M, as_of=as_of)
    assert _summary(view) == EXPECTED_NOVEMBER
    cells = {
        c.name: {cell.metric: (cell.target, cell.actual) for cell in c.metrics}
        for c in view.clients
        if c.metrics
    }
    assert cells == EXPECTED_NOVEMBER_CELLS
    # At least one client in each of the statuses the dashboard colours.
    assert {"met", "on_track", "at_risk", "behind", "no_data"} <= {
        str(c.month_status) for c in view.clients
    }


def test_october_statuses(sample_db: Database, as_of: date) -> None:
    view = load_month(sample_db, month=M1, as_of=as_of)
    assert _summary(view) == EXPECTED_OCTOBER
    bianchi = next(c for c in view.clients if c.name == "Studio Bianchi Architetti")
    conversions = bianchi.metric("conversions")
    assert conversions is not None
    assert (conversions.target, conversions.actual, str(conversions.status)) == (6, 4, "missed")


def test_counts_and_guaranteed_income(sample_db: Database, as_of: date) -> None:
    view = load_month(sample_db, month=M, as_of=as_of)
    # Active fees: Rossi 2,000 + Harbor & Pine 3,000 + Bianchi 5,000 + Verdi 10,000
    # + Greco 3,000 = $23,000 (the trial's $1,500 does not count).
    assert view.guaranteed_monthly_income_cents == 2_300_000
    assert view.annual_run_rate_cents == 27_600_000
    assert view.counts == {
        "clients": 9,
        "active": 5,
        "needs_attention": 1,  # Verdi behind
        "reports_due": 1,  # Bianchi's October report (due Nov 25)
        "reports_overdue": 1,  # Verdi's September and October reports
        "payments_late": 1,  # Greco
        "payments_owed": 1,  # Greco's November, past its grace
    }
    assert view.total_owed_cents == 3_000_00
    october = load_month(sample_db, month=M1, as_of=as_of)
    assert october.counts == {
        "clients": 9,
        "active": 5,
        "needs_attention": 2,  # Bianchi missed, Greco missing
        "reports_due": 1,
        "reports_overdue": 1,
        "payments_late": 0,
        "payments_owed": 1,  # as of the date, whatever month is shown
    }


def test_reports_owed_include_two_months_back(sample_db: Database, as_of: date) -> None:
    view = load_month(sample_db, month=M, as_of=as_of)
    owed = {c.name: c.reports_owed for c in view.clients if c.reports_owed}
    assert owed == {
        "Enoteca Verdi": (Month(2026, 9), Month(2026, 10)),
        "Studio Bianchi Architetti": (Month(2026, 10),),
    }
    verdi = next(c for c in view.clients if c.name == "Enoteca Verdi")
    # September was due Oct 5, October was due Nov 5: both passed by Nov 20.
    assert (verdi.overdue_owed, verdi.due_owed) == (2, 0)
    bianchi = next(c for c in view.clients if c.name == "Studio Bianchi Architetti")
    assert (bianchi.overdue_owed, bianchi.due_owed) == (0, 1)


def test_exactly_one_late_payment(sample_db: Database, as_of: date) -> None:
    view = load_month(sample_db, month=M, as_of=as_of)
    assert [c.name for c in view.clients if c.payment == "late"] == ["Greco Dental Clinic"]
    assert [c.name for c in view.clients if c.payment == "expected"] == ["Harbor & Pine Coffee"]


def test_over_servicing_last_month_only(sample_db: Database, as_of: date) -> None:
    october = load_month(sample_db, month=M1, as_of=as_of)
    # Rossi Bakery: Tier 1 includes 20 h; 20 + 4.5 = 24.50 h worked in October.
    assert [(c.name, c.hours_x100) for c in october.clients if c.over_hours] == [
        ("Rossi Bakery", 2450)
    ]
    november = load_month(sample_db, month=M, as_of=as_of)
    assert not any(c.over_hours for c in november.clients)
    # Every client in service has hours logged for the month.
    assert all(c.hours_x100 for c in november.clients if c.in_service)


def test_targets_carry_forward(sample_db: Database, as_of: date) -> None:
    def target(month: Month, name: str, metric: str) -> int | None:
        view = load_month(sample_db, month=month, as_of=as_of)
        cell = next(c for c in view.clients if c.name == name).metric(metric)
        return None if cell is None else cell.target

    # Rossi: 300 new followers from 2025-12, 400 from 2026-06 (M-5).
    assert target(Month(2025, 12), "Rossi Bakery", "new_followers") == 300
    assert target(Month(2026, 5), "Rossi Bakery", "new_followers") == 300
    assert target(Month(2026, 6), "Rossi Bakery", "new_followers") == 400
    # Verdi: 20 conversions from 2025-12, 30 from 2026-05 (M-6).
    assert target(Month(2026, 4), "Enoteca Verdi", "conversions") == 20
    assert target(Month(2026, 5), "Enoteca Verdi", "conversions") == 30
    with raw(sample_db) as conn:
        rows = conn.execute(
            "SELECT g.month, g.target FROM goal g JOIN client c ON c.id = g.client_id "
            "WHERE c.name = 'Rossi Bakery' AND g.metric_key = 'new_followers' ORDER BY g.month"
        ).fetchall()
    assert rows == [("2025-12", 300), ("2026-06", 400)]


def test_twelve_months_of_history(sample_db: Database) -> None:
    with raw(sample_db) as conn:
        months = conn.execute("SELECT min(month), max(month) FROM result").fetchone()
        rossi_months = conn.execute(
            "SELECT count(DISTINCT r.month) FROM result r JOIN client c ON c.id = r.client_id "
            "WHERE c.name = 'Rossi Bakery'"
        ).fetchone()[0]
    assert months == ("2025-12", "2026-11")
    assert rossi_months == 12


def test_reports_sent_with_highlights_and_a_draft(sample_db: Database) -> None:
    with raw(sample_db) as conn:
        rows = conn.execute(
            "SELECT c.name, r.month, r.sent_on, r.highlights FROM report r "
            "JOIN client c ON c.id = r.client_id"
        ).fetchall()
    sent = [r for r in rows if r[2] is not None]
    assert sent and all(r[3] for r in sent)
    # Sent around the 3rd of the next month.
    assert all(
        _day(r[2]).day in (2, 3, 4) and Month.of(_day(r[2])) == Month.parse(r[1]).next()
        for r in sent
    )
    drafts = [(r[0], r[1]) for r in rows if r[2] is None]
    assert drafts == [("Studio Bianchi Architetti", "2026-10")]


def test_prospect_pipeline_fields(sample_db: Database) -> None:
    with raw(sample_db) as conn:
        row = conn.execute(
            "SELECT status, stage, next_action, next_action_on, objections, start_month "
            "FROM client WHERE name = 'Gelateria Esposito'"
        ).fetchone()
    assert (*row[:3], str(row[3]), *row[4:]) == (
        "prospect",
        "proposal sent",
        "Follow up on proposal",
        "2026-11-24",
        "Worried about price",
        None,
    )


def _prospect(db: Database, name: str):  # type: ignore[no-untyped-def]
    from retainer_tui.services.pipeline import get_prospect

    with raw(db) as conn:
        (cid,) = conn.execute("SELECT id FROM client WHERE name = ?", (name,)).fetchone()
    return get_prospect(db, client_id=cid)


def test_prospect_discovery_objection_and_proposal(sample_db: Database) -> None:
    from retainer_tui.domain.pipeline import ObjectionKind, Stage, mentions_discount

    p = _prospect(sample_db, "Gelateria Esposito")
    assert p.stage is Stage.PROPOSAL_SENT
    assert "seaside kiosk" in p.workload
    # The 3-6 month goals name the kiosk's opening, five months after the as-of month.
    assert "opening in April 2027" in p.goals
    assert p.targets == (("new_followers", 600), ("posts_shared", 45), ("conversions", 10))
    assert p.extra_services == (
        "Weekly reels", "Kiosk listing on Google Maps", "Catering landing page",
    )  # fmt: skip
    (objection,) = p.objections
    assert objection.kind is ObjectionKind.MONEY
    assert objection.text == "$5,000 a month before the kiosk opens"
    # Answered with added value or a paid trial, never a discount.
    assert "same fee" in objection.answer and "paid trial" in objection.answer
    assert not mentions_discount(objection.answer)
    assert (p.recommended_tier, p.recommended_fee_cents) == ("Tier 2", 500_000)
    assert p.proposal_sent_on == date(2026, 11, 17)  # three days before as-of
    assert p.next_action_on == date(2026, 11, 24)
    assert not p.has_trial and p.proposal_body == ""  # the email is written from the notes


def test_trial_client_details(sample_db: Database) -> None:
    from retainer_tui.domain.pipeline import Stage

    p = _prospect(sample_db, "Fiori di Sara")
    assert (p.status.value, p.stage) == ("trial", Stage.PAID_TRIAL)
    # Two months at $1,500 a month: October 1 to November 30, $3,000 in all.
    assert p.trial_fee_cents == 3_000_00
    assert (p.trial_start, p.trial_end) == (date(2026, 10, 1), date(2026, 11, 30))
    assert p.start_month == Month.of(p.trial_start)
    assert p.trial_criteria.splitlines() == [
        "- At least 150 new followers a month",
        "- At least 20 posts shared a month",
        "- Three wedding enquiries a month through Instagram messages",
    ]
    assert p.targets == (("new_followers", 150), ("posts_shared", 20))
    assert (p.next_action, p.next_action_on) == (
        "Trial ends: retain or mark lost", date(2026, 11, 30),
    )  # fmt: skip
    assert p.trial_outcome is None and not p.objections


def test_pipeline_reads_the_sample(sample_db: Database, as_of: date) -> None:
    from retainer_tui.services.pipeline import load_pipeline

    view = load_pipeline(sample_db, as_of=as_of)
    assert [(p.name, p.stage.value, p.value_cents) for p in view.prospects] == [
        ("Gelateria Esposito", "proposal sent", 500_000),
        ("Fiori di Sara", "paid trial", 150_000),
    ]
    assert not any(p.overdue(as_of) for p in view.prospects)


@pytest.mark.parametrize(
    "other", [date(2026, 1, 3), date(2027, 3, 31), date(2028, 2, 29), date(2026, 11, 1)]
)
def test_pipeline_dates_follow_the_as_of_date(db: Database, other: date) -> None:
    load_sample_data(db, as_of=other)
    esposito = _prospect(db, "Gelateria Esposito")
    fiori = _prospect(db, "Fiori di Sara")
    m = Month.of(other)
    assert esposito.proposal_sent_on is not None and esposito.proposal_sent_on < other
    assert f"opening in {m.plus(5).label()}" in esposito.goals
    assert (fiori.trial_start, fiori.trial_end) == (m.previous().first_day, m.last_day)
    assert fiori.trial_start < other <= fiori.trial_end
    assert fiori.next_action_on == m.last_day


def test_deterministic(new_database, as_of: date) -> None:
    first = new_database("a")
    second = new_database("b")
    load_sample_data(first, as_of=as_of)
    load_sample_data(second, as_of=as_of)
    assert dump(first) == dump(second)


def test_refuses_a_database_with_clients(sample_db: Database, as_of: date) -> None:
    before = dump(sample_db)
    with pytest.raises(ValueError, match="already has clients"):
        load_sample_data(sample_db, as_of=date(2027, 5, 1))
    with pytest.raises(ValueError, match="already has clients"):
        generate_scaled(sample_db, clients=10, months=3, as_of=as_of)
    assert dump(sample_db) == before


@pytest.mark.parametrize(
    "other", [date(2026, 1, 3), date(2027, 3, 31), date(2028, 2, 29), date(2026, 11, 1)]
)
def test_other_as_of_dates(db: Database, other: date) -> None:
    assert load_sample_data(db, as_of=other) == 9
    view = load_month(db, month=Month.of(other), as_of=other)
    assert view.counts["needs_attention"] >= 1
    assert view.guaranteed_monthly_income_cents == 2_300_000
    previous = load_month(db, month=Month.of(other).previous(), as_of=other)
    assert {"missed", "missing"} <= {str(c.month_status) for c in previous.clients}
    # Nothing is dated after the as-of date, and the follow-up is still ahead.
    with raw(db) as conn:
        latest = conn.execute(
            "SELECT max(d) FROM (SELECT received_on AS d FROM payment "
            "UNION ALL SELECT sent_on FROM report WHERE sent_on IS NOT NULL) AS dated"
        ).fetchone()[0]
        follow_up = conn.execute(
            "SELECT next_action_on FROM client WHERE status = 'prospect'"
        ).fetchone()[0]
    assert _day(latest) <= other
    assert _day(follow_up) > other


def test_generate_scaled_row_counts(db: Database, as_of: date) -> None:
    generate_scaled(db, clients=200, months=24, as_of=as_of)
    # Client i (0..199) tracks (i % 5) + 1 metrics: 40 clients of each kind,
    # so 40 * (1+2+3+4+5) = 600 client-metrics.
    # goals: 600 first targets + 50 raised half-way (i % 4 == 0) = 650.
    # results: 600 * 24 months = 14,400, minus the first metric in 2026-11 for
    #   i % 10 == 3 (20 clients) = 14,380.
    # hours: 200 * 24 = 4,800. payments: 4,800 - 20 unpaid (i % 10 == 7) = 4,780.
    # reports: 200 * 23 ended months = 4,600, minus October for i % 7 == 0
    #   (0, 7, ..., 196: 29 clients) = 4,571.
    expected = {
        "client": 200,
        "goal": 650,
        "result": 14_380,
        "hours": 4_800,
        "payment": 4_780,
        "report": 4_571,
    }
    assert {table: _count(db, table) for table in expected} == expected
    with raw(db) as conn:
        span = conn.execute("SELECT min(month), max(month) FROM result").fetchone()
    assert span == ("2024-12", "2026-11")  # 24 months ending at the as-of month
    view = load_month(db, month=M, as_of=as_of)
    # Late: unpaid (i % 10 == 7) with billing day 1 + i % 28 <= 12 (Nov 20 > day + 7):
    # i = 7, 37, 57, 67, 87, 117, 147, 177, 197 -> 9. Overdue: October's report (due Nov 5)
    # unsent for the 29 clients with i % 7 == 0.
    assert view.counts["payments_late"] == 9
    assert view.counts["reports_overdue"] == 29
    assert view.counts["reports_due"] == 0
    assert view.counts["active"] == 200


def test_generate_scaled_is_deterministic(new_database, as_of: date) -> None:
    dumps = []
    for name in ("a", "b"):
        db = new_database(name)
        generate_scaled(db, clients=30, months=13, as_of=as_of, seed=7)
        dumps.append(dump(db))
    assert dumps[0] == dumps[1]


@pytest.mark.parametrize("load", ["sample", "scaled"])
def test_writes_are_one_transaction(db: Database, as_of: date, load: str) -> None:
    """A failure half-way (the report rows come after every other table's) leaves the
    database as it was."""
    from sqlalchemy import event

    before = dump(db)

    def failing(conn, cursor, statement: str, parameters, context, executemany: bool) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("INSERT INTO REPORT"):
            raise sqlite3.OperationalError("disk I/O error")

    event.listen(db.engine, "before_cursor_execute", failing)
    try:
        with pytest.raises(Exception, match="disk I/O error"):
            if load == "sample":
                load_sample_data(db, as_of=as_of)
            else:
                generate_scaled(db, clients=30, months=13, as_of=as_of)
    finally:
        event.remove(db.engine, "before_cursor_execute", failing)
    assert dump(db) == before
