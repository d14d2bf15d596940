"""The realistic sample data behind `retainer demo` and the welcome screen's "load sample data".

Everything is placed relative to the as-of month M, so the set tells the same story on any
date: twelve months of goals, results, hours, payments and reports, with the current month
partly delivered so that the dashboard shows every status, and a pipeline (a prospect with
its discovery notes, an objection and a proposal sent; a client on a paid trial). It is
deterministic for a given as-of date and written in one transaction.
"""

from __future__ import annotations

import json
import math
import random
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction

from retainer_tui.db.engine import Database
from retainer_tui.domain.catalogue import BUILTIN_METRICS, DEFAULT_TIERS
from retainer_tui.domain.clients import ClientStatus, ServiceType
from retainer_tui.domain.month import Month
from retainer_tui.domain.pipeline import NEXT_ACTIONS, Stage, success_criteria
from retainer_tui.domain.status import elapsed_fraction

# How a metric is delivered in the current month (partly elapsed) or the previous one.
MET = "met"  # the target plus a little more
ON_TRACK = "on_track"  # exactly the expected pace, rounded up
AT_RISK = "at_risk"  # 90% of the expected pace
BEHIND = "behind"  # half of the expected pace
MISSED = "missed"  # two thirds of the target (an ended month)
NOT_ENTERED = "not_entered"  # no result typed in

INSERT_CLIENT = """
INSERT INTO client (id, name, company, decision_maker, email, phone, service_type, tier_id,
                    fee_override_cents, billing_day, report_due_day, start_month, end_month,
                    status, notes, stage, next_action, next_action_on, objections)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
INSERT_GOAL = "INSERT INTO goal (client_id, metric_key, month, target) VALUES (?, ?, ?, ?)"
INSERT_RESULT = "INSERT INTO result (client_id, metric_key, month, actual) VALUES (?, ?, ?, ?)"
INSERT_HOURS = "INSERT INTO hours (client_id, month, hours_x100) VALUES (?, ?, ?)"
INSERT_PAYMENT = (
    "INSERT INTO payment (client_id, month, amount_cents, received_on) VALUES (?, ?, ?, ?)"
)
INSERT_REPORT = "INSERT INTO report (client_id, month, sent_on, highlights) VALUES (?, ?, ?, ?)"
INSERT_PROSPECT = """
INSERT INTO prospect (client_id, workload, goals, targets, extra_services, recommended_tier_id,
                      proposal_sent_on, trial_fee_cents, trial_start, trial_end, trial_criteria)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
INSERT_OBJECTION = (
    "INSERT INTO objection (client_id, position, kind, text, answer) VALUES (?, ?, ?, ?, ?)"
)


@dataclass(frozen=True)
class _SamplePipeline:
    """A sample client's pipeline record (the prospect table) and its objections.

    Months are offsets from the as-of month, days from the as-of date.
    """

    workload: str = ""
    goals: str = ""
    targets: Mapping[str, int] = field(default_factory=dict)
    extra_services: tuple[str, ...] = ()
    recommended_tier: str | None = None
    proposal_sent_days_ago: int | None = None
    # A paid trial from the first day of one month to the last day of another.
    trial_fee_cents: int | None = None
    trial_months: tuple[int, int] | None = None
    trial_extra_criteria: tuple[str, ...] = ()
    # (kind, what the prospect said, the answer given)
    objections: tuple[tuple[str, str, str], ...] = ()

    def trial_span(self, m: Month) -> tuple[date, date] | None:
        if self.trial_months is None:
            return None
        first, last = self.trial_months
        return m.plus(first).first_day, m.plus(last).last_day

    def criteria(self) -> str:
        """Success criteria worded as the trial form words them, plus the extra lines."""
        labels = {metric.key: metric.label for metric in BUILTIN_METRICS}
        lines = success_criteria((labels[k], t) for k, t in self.targets.items()).splitlines()
        lines += [f"- {line}" for line in self.trial_extra_criteria]
        return "\n".join(lines)


@dataclass(frozen=True)
class _SampleClient:
    """One sample client; months are offsets from the as-of month (0 = M, -1 = M-1)."""

    name: str
    company: str
    decision_maker: str
    email: str
    phone: str
    service_type: ServiceType
    tier: str
    status: ClientStatus
    notes: str
    fee_override_cents: int | None = None
    billing_day: int = 1
    report_due_day: int = 5
    start: int | None = None
    end: int | None = None
    # Last month with recorded history (a paused client stopped before M; an ended one
    # stops at its end month anyway).
    history_until: int = 0
    # Targets from a month on: ((offset, {metric: target}), ...), carried forward.
    goals: tuple[tuple[int, Mapping[str, int]], ...] = ()
    # The plan for the current and the previous month, per metric (default: MET / ON_TRACK).
    now: Mapping[str, str] = field(default_factory=dict)
    last: Mapping[str, str] = field(default_factory=dict)
    over_hours_last: bool = False
    payment_now_unpaid: bool = False
    unsent_reports: tuple[int, ...] = ()
    draft_highlights: str = ""
    highlights: tuple[str, ...] = ()
    # Pipeline fields for prospects.
    stage: str = ""
    next_action: str = ""
    next_action_in_days: int | None = None
    objections: str = ""
    pipeline: _SamplePipeline | None = None


def _clients(m: Month) -> tuple[_SampleClient, ...]:
    """The sample clients for as-of month m (notes name real months)."""
    paused_from = m.plus(-3).label()
    ended_after = m.plus(-4).label()
    trial_start = m.plus(-1).label()
    kiosk_opens = m.plus(5).label()
    return (
        _SampleClient(
            name="Rossi Bakery",
            company="Panificio Rossi S.n.c.",
            decision_maker="Giulia Rossi",
            email="giulia@panificiorossi.example",
            phone="+39 055 214 3387",
            service_type=ServiceType.SOCIAL_MEDIA,
            tier="Tier 1",
            fee_override_cents=2_000_00,
            status=ClientStatus.ACTIVE,
            start=-11,
            goals=(
                (-11, {"new_followers": 300, "posts_shared": 30, "conversions": 8}),
                # Raised after the summer campaign worked; earlier months keep 300.
                (-5, {"new_followers": 400}),
            ),
            over_hours_last=True,
            highlights=(
                "The sourdough reel passed 40k views; two local papers shared it.",
                "Saturday pre-orders through Instagram doubled.",
                "Christmas panettone waiting list opened with 120 sign-ups.",
                "First collaboration with the farmers' market page.",
            ),
            notes=(
                "First retainer client: kept at $2,000 (Tier 1 work at a founding rate). "
                "Often needs extra hours around holidays; discuss Tier 2 at renewal."
            ),
        ),
        _SampleClient(
            name="Harbor & Pine Coffee",
            company="Harbor & Pine Coffee Co.",
            decision_maker="Tom Whitaker",
            email="tom@harborandpine.example",
            phone="+44 20 7946 0321",
            service_type=ServiceType.SOCIAL_MEDIA,
            tier="Tier 1",
            status=ClientStatus.ACTIVE,
            billing_day=25,
            start=-9,
            goals=((-9, {"new_followers": 250, "posts_shared": 25}),),
            now={"new_followers": MET, "posts_shared": MET},
            payment_now_unpaid=True,
            highlights=(
                "Latte-art series was the most saved post of the month.",
                "Opening of the second shop announced to 3k followers.",
                "Customer photo contest brought 90 user posts.",
            ),
            notes="Pays on the 25th (their payroll day). Loves behind-the-scenes content.",
        ),
        _SampleClient(
            name="Studio Bianchi Architetti",
            company="Bianchi & Partners S.r.l.",
            decision_maker="Marco Bianchi",
            email="marco.bianchi@studiobianchi.example",
            phone="+39 02 8706 1142",
            service_type=ServiceType.SOCIAL_MEDIA,
            tier="Tier 2",
            status=ClientStatus.ACTIVE,
            billing_day=10,
            report_due_day=25,
            start=-11,
            goals=((-11, {"new_followers": 400, "posts_shared": 35, "conversions": 6}),),
            now={"new_followers": AT_RISK},
            last={"conversions": MISSED},
            unsent_reports=(-1,),
            draft_highlights=(
                "Draft: enquiries short of target; the open-house event moved to next month."
            ),
            highlights=(
                "Project carousel on the Navigli loft reached 25k accounts.",
                "Three consultation requests came from LinkedIn posts.",
                "Design-week coverage grew the page by 600 followers.",
            ),
            notes=(
                "Report due by the 25th: Marco reviews it at the partners' meeting. "
                "Conversions are consultation requests."
            ),
        ),
        _SampleClient(
            name="Enoteca Verdi",
            company="Verdi Vini S.r.l.",
            decision_maker="Alessandra Verdi",
            email="alessandra@enotecaverdi.example",
            phone="+39 06 4782 9015",
            service_type=ServiceType.SOCIAL_MEDIA,
            tier="Tier 3",
            status=ClientStatus.ACTIVE,
            start=-11,
            goals=(
                (-11, {"new_followers": 1200, "posts_shared": 60, "conversions": 20}),
                # More wine-club sign-ups promised once the partnership deals started.
                (-6, {"conversions": 30}),
            ),
            now={"conversions": BEHIND},
            unsent_reports=(-2, -1),
            highlights=(
                "Tasting-night videos drove 14 wine-club sign-ups.",
                "Partnership with a Roman food blogger went live.",
                "Harvest series: best month for reach so far.",
            ),
            notes=(
                "Biggest account (Tier 3). Wine-club sign-ups count as conversions. "
                "Two reports behind: send both before the next call."
            ),
        ),
        _SampleClient(
            name="Greco Dental Clinic",
            company="Studio Dentistico Greco",
            decision_maker="Dr. Paolo Greco",
            email="segreteria@studiogreco.example",
            phone="+39 081 552 7730",
            service_type=ServiceType.CONTENT_WRITING,
            tier="Tier 1",
            status=ClientStatus.ACTIVE,
            start=-7,
            goals=((-7, {"conversions": 5, "blog_posts": 4, "newsletters": 2}),),
            now={"newsletters": NOT_ENTERED},
            last={"newsletters": NOT_ENTERED},
            payment_now_unpaid=True,
            highlights=(
                "Blog post on children's check-ups ranked first locally.",
                "Newsletter open rate 48%; six bookings from it.",
                "Whitening FAQ article brought the most calls.",
            ),
            notes=(
                "Pays by bank transfer; chase the office manager if it is late. "
                "Newsletter counts come from their mailing tool: ask each month."
            ),
        ),
        _SampleClient(
            name="Fiori di Sara",
            company="Fiori di Sara di Sara Conti",
            decision_maker="Sara Conti",
            email="sara@fioridisara.example",
            phone="+39 051 633 2048",
            service_type=ServiceType.SOCIAL_MEDIA,
            tier="Tier 1",
            fee_override_cents=1_500_00,
            status=ClientStatus.TRIAL,
            start=-1,
            goals=((-1, {"new_followers": 150, "posts_shared": 20}),),
            now={"posts_shared": MET},
            highlights=("Wedding-season lookbook got 300 saves in its first week.",),
            notes=(
                f"Paid two-month trial at $1,500 a month from {trial_start}; "
                "if it goes well, propose Tier 1. Never a free trial."
            ),
            stage=Stage.PAID_TRIAL.value,
            next_action=NEXT_ACTIONS[Stage.PAID_TRIAL][0],
            pipeline=_SamplePipeline(
                workload="Instagram for the shop: wedding and event flowers, four posts a week",
                goals="Be the florist couples find first when they plan a wedding",
                targets={"new_followers": 150, "posts_shared": 20},
                # Two months at $1,500 a month, paid as a one-off $3,000 in two parts.
                trial_fee_cents=3_000_00,
                trial_months=(-1, 0),
                trial_extra_criteria=(
                    "Three wedding enquiries a month through Instagram messages",
                ),
            ),
        ),
        _SampleClient(
            name="Northwind Fitness",
            company="Northwind Fitness Ltd",
            decision_maker="Hannah Brooks",
            email="hannah@northwindfitness.example",
            phone="+44 161 496 0750",
            service_type=ServiceType.COPYWRITING,
            tier="Tier 2",
            status=ClientStatus.PAUSED,
            start=-10,
            history_until=-4,
            goals=((-10, {"newsletters": 4, "conversions": 12}),),
            highlights=(
                "January challenge emails filled every class for two weeks.",
                "Referral newsletter brought 18 trial memberships.",
            ),
            notes=(
                f"Paused from {paused_from} while the gym is renovated; "
                "they plan to restart in spring. Keep in touch monthly."
            ),
        ),
        _SampleClient(
            name="Moretti Interiors",
            company="Moretti Interni S.r.l.",
            decision_maker="Luca Moretti",
            email="luca@morettiinterni.example",
            phone="+39 011 440 9821",
            service_type=ServiceType.WEB_MAINTENANCE,
            tier="Tier 2",
            status=ClientStatus.ENDED,
            start=-11,
            end=-4,
            goals=((-11, {"blog_posts": 2, "conversions": 4}),),
            highlights=(
                "Site speed score up from 61 to 94 after the image clean-up.",
                "Showroom booking form went live; four bookings in week one.",
            ),
            notes=(
                f"Ended after {ended_after}: the showroom was sold. Happy client; "
                "ask for a testimonial and a referral."
            ),
        ),
        _SampleClient(
            name="Gelateria Esposito",
            company="Esposito Gelato S.r.l.",
            decision_maker="Francesca Esposito",
            email="francesca@gelateriaesposito.example",
            phone="+39 089 871 3360",
            service_type=ServiceType.SOCIAL_MEDIA,
            tier="Tier 2",
            status=ClientStatus.PROSPECT,
            stage="proposal sent",
            next_action="Follow up on proposal",
            next_action_in_days=4,
            objections="Worried about price",
            pipeline=_SamplePipeline(
                workload="Two gelaterie and a new seaside kiosk: five posts a week, daily stories",
                goals=(
                    f"A queue at the kiosk's opening in {kiosk_opens}, 1,000 new local "
                    "followers by then, ten catering bookings a month (weddings, birthdays)"
                ),
                targets={"new_followers": 600, "posts_shared": 45, "conversions": 10},
                extra_services=(
                    "Weekly reels",
                    "Kiosk listing on Google Maps",
                    "Catering landing page",
                ),
                recommended_tier="Tier 2",
                proposal_sent_days_ago=3,
                objections=(
                    (
                        "money",
                        "$5,000 a month before the kiosk opens",
                        "Weekly reels for the same fee, or a paid trial, never free",
                    ),
                ),
            ),
            notes=(
                "Wants a strong launch for the new seaside kiosk. Proposal sent with all "
                "three tiers, Tier 2 recommended. Answer the price worry with added value "
                "(weekly reels) or a paid trial, never a discount."
            ),
        ),
    )


def _quarter_hours(hours_x100: int) -> int:
    """Round down to a quarter of an hour, as people log time."""
    return hours_x100 // 25 * 25


def _actual_now(plan: str, target: int, expected: Fraction) -> int | None:
    """The current month's actual so far for a plan, given the expected pace E = T·f."""
    if plan == NOT_ENTERED:
        return None
    if plan == MET:
        return target + max(1, target // 20)
    if plan == AT_RISK:
        actual = math.ceil(expected * Fraction(9, 10))
    elif plan == BEHIND:
        actual = math.floor(expected / 2)
    else:  # ON_TRACK
        actual = math.ceil(expected)
    return min(actual, target)


def _actual_last(plan: str, target: int) -> int | None:
    """The previous (ended) month's actual for a plan."""
    if plan == NOT_ENTERED:
        return None
    if plan == MISSED:
        return target * 2 // 3
    return target + max(1, target // 20)


def _tier_rows(conn: sqlite3.Connection) -> dict[str, tuple[int, int, int]]:
    """name -> (id, fee cents, included hours) of the default tiers; re-added if renamed away.

    Fees and hours are read from the database, so edited tiers are respected.
    """
    rows = {
        name.casefold(): (tid, fee, hours)
        for tid, name, fee, hours in conn.execute(
            "SELECT id, name, monthly_fee_cents, included_hours FROM tier"
        )
    }
    position = conn.execute("SELECT COALESCE(MAX(position), -1) FROM tier").fetchone()[0]
    tiers: dict[str, tuple[int, int, int]] = {}
    for tier in DEFAULT_TIERS:
        found = rows.get(tier.name.casefold())
        if found is None:
            position += 1
            cursor = conn.execute(
                "INSERT INTO tier (name, monthly_fee_cents, included_hours, services, "
                "description, position) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    tier.name,
                    tier.monthly_fee_cents,
                    tier.included_hours,
                    json.dumps(list(tier.services)),
                    tier.description,
                    position,
                ),
            )
            found = (int(cursor.lastrowid or 0), tier.monthly_fee_cents, tier.included_hours)
        tiers[tier.name] = found
    return tiers


def ensure_catalogue(conn: sqlite3.Connection) -> dict[str, tuple[int, int, int]]:
    """Make sure the built-in metrics and default tiers exist; return the tiers by name."""
    conn.executemany(
        "INSERT OR IGNORE INTO metric (key, label, unit, builtin, position) VALUES (?, ?, ?, 1, ?)",
        [(m.key, m.label, m.unit, i) for i, m in enumerate(BUILTIN_METRICS)],
    )
    return _tier_rows(conn)


def refuse_if_clients(conn: sqlite3.Connection) -> None:
    """Sample data only goes into a database without clients."""
    if conn.execute("SELECT 1 FROM client LIMIT 1").fetchone():
        raise ValueError("the database already has clients; sample data needs an empty one")


def _targets_by_month(
    goals: tuple[tuple[int, Mapping[str, int]], ...], offset: int
) -> dict[str, int]:
    """The carried-forward targets in force at an offset."""
    targets: dict[str, int] = {}
    for since, values in sorted(goals, key=lambda g: g[0]):
        if since <= offset:
            targets.update(values)
    return {k: v for k, v in targets.items() if v > 0}


def load_sample_data(db: Database, *, as_of: date) -> int:
    """Fill an empty database with the sample clients; return how many were added."""
    m = Month.of(as_of)
    rng = random.Random(as_of.toordinal())
    f = elapsed_fraction(m, as_of)
    specs = _clients(m)

    with db.write() as conn:
        refuse_if_clients(conn)
        tiers = ensure_catalogue(conn)
        client_rows: list[tuple[object, ...]] = []
        goals: list[tuple[int, str, str, int]] = []
        results: list[tuple[int, str, str, int]] = []
        hours: list[tuple[int, str, int]] = []
        payments: list[tuple[int, str, int, str]] = []
        reports: list[tuple[int, str, str | None, str]] = []
        prospects: list[tuple[object, ...]] = []
        objections: list[tuple[int, int, str, str, str]] = []

        for cid, spec in enumerate(specs, start=1):
            tier_id, tier_fee, included = tiers[spec.tier]
            fee = spec.fee_override_cents if spec.fee_override_cents is not None else tier_fee
            trial = spec.pipeline.trial_span(m) if spec.pipeline else None
            next_action_on: str | None = None
            if spec.next_action_in_days is not None:
                next_action_on = (as_of + timedelta(days=spec.next_action_in_days)).isoformat()
            elif trial is not None:
                next_action_on = trial[1].isoformat()  # the trial's end: retain or not
            if spec.pipeline is not None:
                pipe = spec.pipeline
                sent = pipe.proposal_sent_days_ago
                prospects.append(
                    (
                        cid,
                        pipe.workload,
                        pipe.goals,
                        json.dumps(dict(pipe.targets)),
                        json.dumps(list(pipe.extra_services), ensure_ascii=False),
                        tiers[pipe.recommended_tier][0] if pipe.recommended_tier else None,
                        (as_of - timedelta(days=sent)).isoformat() if sent is not None else None,
                        pipe.trial_fee_cents,
                        trial[0].isoformat() if trial else None,
                        trial[1].isoformat() if trial else None,
                        pipe.criteria() if trial else "",
                    )
                )
                objections.extend(
                    (cid, position, kind, said, answer)
                    for position, (kind, said, answer) in enumerate(pipe.objections)
                )
            client_rows.append(
                (
                    cid,
                    spec.name,
                    spec.company,
                    spec.decision_maker,
                    spec.email,
                    spec.phone,
                    str(spec.service_type),
                    tier_id,
                    spec.fee_override_cents,
                    spec.billing_day,
                    spec.report_due_day,
                    str(m.plus(spec.start)) if spec.start is not None else None,
                    str(m.plus(spec.end)) if spec.end is not None else None,
                    str(spec.status),
                    spec.notes,
                    spec.stage,
                    spec.next_action,
                    next_action_on,
                    spec.objections,
                )
            )
            for since, values in spec.goals:
                for key, target in values.items():
                    goals.append((cid, key, str(m.plus(since)), target))
            if spec.start is None:
                continue
            last = min(spec.history_until, spec.end if spec.end is not None else 0)
            for offset in range(spec.start, last + 1):
                month = m.plus(offset)
                month_text = str(month)
                for key, target in _targets_by_month(spec.goals, offset).items():
                    if offset == 0:
                        plan = spec.now.get(key, ON_TRACK)
                        actual = _actual_now(plan, target, target * f)
                    elif offset == -1:
                        actual = _actual_last(spec.last.get(key, MET), target)
                    else:
                        actual = target * rng.randint(88, 135) // 100
                    if actual is not None:
                        results.append((cid, key, month_text, actual))

                if offset == 0:
                    worked = included * 100 * f * rng.randint(60, 90) / 100
                    worked_x100 = _quarter_hours(math.floor(worked))
                elif offset == -1 and spec.over_hours_last:
                    worked_x100 = included * 100 + 450
                else:
                    worked_x100 = _quarter_hours(included * rng.randint(55, 95))
                if worked_x100 > 0:
                    hours.append((cid, month_text, worked_x100))

                paid_on = month.day(spec.billing_day + rng.randint(0, 2))
                if not (offset == 0 and spec.payment_now_unpaid) and paid_on <= as_of:
                    payments.append((cid, month_text, fee, paid_on.isoformat()))

                if offset < 0:
                    if offset in spec.unsent_reports:
                        if offset == -1 and spec.draft_highlights:
                            reports.append((cid, month_text, None, spec.draft_highlights))
                        continue
                    sent_on = month.next().day(rng.randint(2, 4))
                    if sent_on <= as_of:
                        text = spec.highlights[rng.randrange(len(spec.highlights))]
                        reports.append((cid, month_text, sent_on.isoformat(), text))

        conn.executemany(INSERT_CLIENT, client_rows)
        conn.executemany(INSERT_GOAL, goals)
        conn.executemany(INSERT_RESULT, results)
        conn.executemany(INSERT_HOURS, hours)
        conn.executemany(INSERT_PAYMENT, payments)
        conn.executemany(INSERT_REPORT, reports)
        conn.executemany(INSERT_PROSPECT, prospects)
        conn.executemany(INSERT_OBJECTION, objections)
    return len(specs)
