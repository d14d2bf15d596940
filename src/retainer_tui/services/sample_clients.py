"""The sample's clients, written out by hand relative to the as-of month M: who they are,
their tiers and goals, how each metric is delivered this month and last (the plans), and
the pipeline records of the prospect and the trial. The sample tests pin values computed
by hand from these blocks, so each client stays explicit rather than generated.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from retainer_tui.domain.catalogue import BUILTIN_METRICS
from retainer_tui.domain.clients import ClientStatus, ServiceType
from retainer_tui.domain.month import Month
from retainer_tui.domain.pipeline import NEXT_ACTIONS, Stage, success_criteria

# How a metric is delivered in the current month (partly elapsed) or the previous one.
MET = "met"  # the target plus a little more
ON_TRACK = "on_track"  # exactly the expected pace, rounded up
AT_RISK = "at_risk"  # 90% of the expected pace
BEHIND = "behind"  # half of the expected pace
MISSED = "missed"  # two thirds of the target (an ended month)
NOT_ENTERED = "not_entered"  # no result typed in


@dataclass(frozen=True)
class SamplePipeline:
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
class SampleClient:
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
    pipeline: SamplePipeline | None = None


def sample_clients(m: Month) -> tuple[SampleClient, ...]:
    """The sample clients for as-of month m (notes name real months)."""
    paused_from = m.plus(-3).label()
    ended_after = m.plus(-4).label()
    trial_start = m.plus(-1).label()
    kiosk_opens = m.plus(5).label()
    return (
        SampleClient(
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
        SampleClient(
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
        SampleClient(
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
        SampleClient(
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
        SampleClient(
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
        SampleClient(
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
            pipeline=SamplePipeline(
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
        SampleClient(
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
        SampleClient(
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
        SampleClient(
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
            pipeline=SamplePipeline(
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


def quarter_hours(hours_x100: int) -> int:
    """Round down to a quarter of an hour, as people log time."""
    return hours_x100 // 25 * 25


def actual_now(plan: str, target: int, expected: Fraction) -> int | None:
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


def actual_last(plan: str, target: int) -> int | None:
    """The previous (ended) month's actual for a plan."""
    if plan == NOT_ENTERED:
        return None
    if plan == MISSED:
        return target * 2 // 3
    return target + max(1, target // 20)
