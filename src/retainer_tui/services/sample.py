"""The realistic sample data behind `retainer demo` and the welcome screen's "load sample data":
its writing (the clients themselves are sample_clients').

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
from datetime import date, timedelta
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
from retainer_tui.domain.month import Month
from retainer_tui.domain.status import elapsed_fraction
from retainer_tui.services.sample_clients import (
    MET,
    ON_TRACK,
    SamplePipeline,
    actual_last,
    actual_now,
    quarter_hours,
    sample_clients,
)

if TYPE_CHECKING:
    from retainer_tui.db.statements import RawConnection


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
    specs = sample_clients(m)

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
                        actual = actual_now(plan, target, target * f)
                    elif offset == -1:
                        actual = actual_last(spec.last.get(key, MET), target)
                    else:
                        actual = target * rng.randint(88, 135) // 100
                    if actual is not None:
                        results.append(
                            dict(client_id=cid, metric_key=key, month=month_text, actual=actual)
                        )

                if offset == 0:
                    worked = included * 100 * f * rng.randint(60, 90) / 100
                    worked_x100 = quarter_hours(math.floor(worked))
                elif offset == -1 and spec.over_hours_last:
                    worked_x100 = included * 100 + 450
                else:
                    worked_x100 = quarter_hours(included * rng.randint(55, 95))
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
    pipe: SamplePipeline,
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
