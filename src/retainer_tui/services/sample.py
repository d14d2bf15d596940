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
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from typing import TYPE_CHECKING, Any

# SQLAlchemy and the models load at the top: nothing on the app's start-up path imports
# this module (the welcome screen and `retainer demo` import it when they load the sample).
from sqlalchemy import func, insert, select
from sqlmodel import Session, col

from retainer_tui.db.engine import Database
from retainer_tui.db.models import (
    Client,
    Goal,
    Hours,
    Metric,
    Objection,
    Payment,
    Prospect,
    Report,
    Result,
    Tier,
)
from retainer_tui.db.statements import session_of, upsert
from retainer_tui.domain.catalogue import BUILTIN_METRICS, DEFAULT_TIERS
from retainer_tui.domain.clients import ClientStatus, ServiceType
from retainer_tui.domain.month import Month
from retainer_tui.domain.pipeline import NEXT_ACTIONS, Stage, success_criteria
from retainer_tui.domain.status import elapsed_fraction

if TYPE_CHECKING:
    from retainer_tui.db.statements import RawConnection

# How a metric is delivered in the current month (partly elapsed) or the previous one.
MET = "met"  # the target plus a little more
ON_TRACK = "on_track"  # exactly the expected pace, rounded up
AT_RISK = "at_risk"  # 90% of the expected pace
BEHIND = "behind"  # half of the expected pace
MISSED = "missed"  # two thirds of the target (an ended month)
NOT_ENTERED = "not_entered"  # no result typed in


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


def _stored_json(value: object, *, ensure_ascii: bool) -> Any:
    """A JSON value as the exact text json.dumps has always written (the JSON type would
    serialise it its own way), so a sample database is the same file as before."""
    from retainer_tui.db.statements import json_stored

    return json_stored(json.dumps(value, ensure_ascii=ensure_ascii))


def _tier_rows(session: Session) -> dict[str, tuple[int, int, int]]:
    """name -> (id, fee cents, included hours) of the default tiers; re-added if renamed away.

    Fees and hours are read from the database, so edited tiers are respected. Names are
    matched casefolded in Python, as the NOCASE name column compares them.
    """
    rows = {
        name.casefold(): (tid, fee, hours)
        for tid, name, fee, hours in session.execute(
            select(
                col(Tier.id), col(Tier.name), col(Tier.monthly_fee_cents), col(Tier.included_hours)
            )
        )
    }
    position = session.execute(select(func.coalesce(func.max(col(Tier.position)), -1))).scalar_one()
    tiers: dict[str, tuple[int, int, int]] = {}
    for tier in DEFAULT_TIERS:
        found = rows.get(tier.name.casefold())
        if found is None:
            position += 1
            inserted: Any = session.execute(
                insert(Tier).values(
                    name=tier.name,
                    monthly_fee_cents=tier.monthly_fee_cents,
                    included_hours=tier.included_hours,
                    services=_stored_json(list(tier.services), ensure_ascii=True),
                    description=tier.description,
                    position=position,
                )
            )
            tid = int(inserted.inserted_primary_key[0])
            found = (tid, tier.monthly_fee_cents, tier.included_hours)
        tiers[tier.name] = found
    return tiers


def ensure_catalogue(conn: Session | RawConnection) -> dict[str, tuple[int, int, int]]:
    """Make sure the built-in metrics and default tiers exist; return the tiers by name."""
    session = session_of(conn)
    session.execute(
        upsert(session, Metric, keys=["key"], update=[]),
        [
            dict(key=m.key, label=m.label, unit=m.unit, builtin=True, position=i)
            for i, m in enumerate(BUILTIN_METRICS)
        ],
    )
    return _tier_rows(session)


def refuse_if_clients(conn: Session | RawConnection) -> None:
    """Sample data only goes into a database without clients."""
    session = session_of(conn)
    if session.execute(select(col(Client.id)).limit(1)).first() is not None:
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

    with db.writing() as session:
        refuse_if_clients(session)
        tiers = ensure_catalogue(session)
        client_rows: list[dict[str, object]] = []
        goals: list[dict[str, object]] = []
        results: list[dict[str, object]] = []
        hours: list[dict[str, object]] = []
        payments: list[dict[str, object]] = []
        reports: list[dict[str, object]] = []
        objections: list[dict[str, object]] = []

        for cid, spec in enumerate(specs, start=1):
            tier_id, tier_fee, included = tiers[spec.tier]
            fee = spec.fee_override_cents if spec.fee_override_cents is not None else tier_fee
            trial = spec.pipeline.trial_span(m) if spec.pipeline else None
            next_action_on: date | None = None
            if spec.next_action_in_days is not None:
                next_action_on = as_of + timedelta(days=spec.next_action_in_days)
            elif trial is not None:
                next_action_on = trial[1]  # the trial's end: retain or not
            client_rows.append(
                dict(
                    id=cid,
                    name=spec.name,
                    company=spec.company,
                    decision_maker=spec.decision_maker,
                    email=spec.email,
                    phone=spec.phone,
                    service_type=str(spec.service_type),
                    tier_id=tier_id,
                    fee_override_cents=spec.fee_override_cents,
                    billing_day=spec.billing_day,
                    report_due_day=spec.report_due_day,
                    start_month=str(m.plus(spec.start)) if spec.start is not None else None,
                    end_month=str(m.plus(spec.end)) if spec.end is not None else None,
                    status=str(spec.status),
                    notes=spec.notes,
                    stage=spec.stage,
                    next_action=spec.next_action,
                    next_action_on=next_action_on,
                    objections=spec.objections,
                )
            )
            for since, values in spec.goals:
                for key, target in values.items():
                    goals.append(
                        dict(client_id=cid, metric_key=key, month=str(m.plus(since)), target=target)
                    )
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
                        results.append(
                            dict(client_id=cid, metric_key=key, month=month_text, actual=actual)
                        )

                if offset == 0:
                    worked = included * 100 * f * rng.randint(60, 90) / 100
                    worked_x100 = _quarter_hours(math.floor(worked))
                elif offset == -1 and spec.over_hours_last:
                    worked_x100 = included * 100 + 450
                else:
                    worked_x100 = _quarter_hours(included * rng.randint(55, 95))
                if worked_x100 > 0:
                    hours.append(dict(client_id=cid, month=month_text, hours_x100=worked_x100))

                paid_on = month.day(spec.billing_day + rng.randint(0, 2))
                if not (offset == 0 and spec.payment_now_unpaid) and paid_on <= as_of:
                    payments.append(
                        dict(client_id=cid, month=month_text, amount_cents=fee, received_on=paid_on)
                    )

                if offset < 0:
                    if offset in spec.unsent_reports:
                        if offset == -1 and spec.draft_highlights:
                            reports.append(
                                dict(
                                    client_id=cid,
                                    month=month_text,
                                    sent_on=None,
                                    highlights=spec.draft_highlights,
                                )
                            )
                        continue
                    sent_on = month.next().day(rng.randint(2, 4))
                    if sent_on <= as_of:
                        text = spec.highlights[rng.randrange(len(spec.highlights))]
                        reports.append(
                            dict(client_id=cid, month=month_text, sent_on=sent_on, highlights=text)
                        )

        session.execute(insert(Client), client_rows)
        session.execute(insert(Goal), goals)
        session.execute(insert(Result), results)
        session.execute(insert(Hours), hours)
        session.execute(insert(Payment), payments)
        session.execute(insert(Report), reports)
        for cid, spec in enumerate(specs, start=1):
            if spec.pipeline is not None:
                _insert_pipeline(session, cid, spec.pipeline, m, as_of, tiers)
                objections.extend(
                    dict(client_id=cid, position=position, kind=kind, text=said, answer=answer)
                    for position, (kind, said, answer) in enumerate(spec.pipeline.objections)
                )
        if objections:  # an empty list runs the INSERT once, with no values (and fails)
            session.execute(insert(Objection), objections)
    return len(specs)


def _insert_pipeline(
    session: Session,
    cid: int,
    pipe: _SamplePipeline,
    m: Month,
    as_of: date,
    tiers: Mapping[str, tuple[int, int, int]],
) -> None:
    """A sample client's prospect row (one per client; the JSON columns as exact text)."""
    trial = pipe.trial_span(m)
    sent = pipe.proposal_sent_days_ago
    session.execute(
        insert(Prospect).values(
            client_id=cid,
            workload=pipe.workload,
            goals=pipe.goals,
            targets=_stored_json(dict(pipe.targets), ensure_ascii=True),
            extra_services=_stored_json(list(pipe.extra_services), ensure_ascii=False),
            recommended_tier_id=tiers[pipe.recommended_tier][0] if pipe.recommended_tier else None,
            proposal_sent_on=as_of - timedelta(days=sent) if sent is not None else None,
            trial_fee_cents=pipe.trial_fee_cents,
            trial_start=trial[0] if trial else None,
            trial_end=trial[1] if trial else None,
            trial_criteria=pipe.criteria() if trial else "",
        )
    )
