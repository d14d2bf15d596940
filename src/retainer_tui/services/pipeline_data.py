"""A prospect's pipeline record in the data file: `[clients.prospect]` and its
`[[clients.prospect.objections]]`, read for export and checked and written on import.

```toml
[clients.prospect]
goals = "Open a second shop"
targets = { new_followers = 600, conversions = 12 }
extra_services = ["SEO blog posts"]
recommended_tier = "Tier 3"
proposal_sent = 2026-11-20
trial_fee = "1500.00"
trial_start = 2026-11-20
trial_end = 2026-12-19

[[clients.prospect.objections]]
kind = "money"
text = "Too expensive for now"
answer = "Weekly reels for the same fee"
```
Keys at their default (empty text, no date, false) are left out, so an export → import →
export round trip gives the same bytes. SQLAlchemy is imported inside the functions that run
statements: the checks here run before any of them, and some callers never need them.
"""

from __future__ import annotations

import json
import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from retainer_tui.domain import validation as v
from retainer_tui.domain.money import decimal_string
from retainer_tui.domain.pipeline import OBJECTION_KINDS, StageError, parse_stage

if TYPE_CHECKING:
    from sqlmodel import Session

    from retainer_tui.db.statements import RawConnection

PROSPECT_KEYS = (
    "workload",
    "goals",
    "targets",
    "extra_services",
    "recommended_tier",
    "chosen_tier",
    "proposal_sent",
    "proposal_subject",
    "proposal_body",
    "proposal_markdown",
    "trial_fee",
    "trial_start",
    "trial_end",
    "trial_criteria",
    "trial_outcome",
    "retained",
    "lost_reason",
    "lost_from",
    "lost",
    "objections",
)
OBJECTION_KEYS = ("kind", "text", "answer")
TRIAL_OUTCOMES = ["retained", "lost"]
# Data-file key -> prospect column, for the keys stored as they are read.
_TEXTS = {
    "workload": "workload",
    "goals": "goals",
    "proposal_subject": "proposal_subject",
    "proposal_body": "proposal_body",
    "trial_criteria": "trial_criteria",
    "lost_reason": "lost_reason",
}
_DATES = {
    "proposal_sent": "proposal_sent_on",
    "trial_start": "trial_start",
    "trial_end": "trial_end",
    "retained": "retained_on",
    "lost": "lost_on",
}
_ASCII_FOLD = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def _fold(name: str) -> str:
    return name.translate(_ASCII_FOLD)


# ---------------------------------------------------------------- export


def prospect_document(
    conn: Session | RawConnection, client_id: int, rank: dict[str, int]
) -> dict[str, Any] | None:
    """The client's `prospect` table for the data file, or None when it has none."""
    from sqlalchemy.orm import aliased
    from sqlmodel import col, select

    from retainer_tui.db.models import Objection, Tier
    from retainer_tui.db.models import Prospect as Row
    from retainer_tui.db.statements import session_of
    from retainer_tui.services.pipeline_read import stage_columns

    session = session_of(conn)
    rt, xt = aliased(Tier, name="rt"), aliased(Tier, name="xt")
    # A list typed Any: mypy sees each field's Python type, not its column.
    columns: list[Any] = [
        Row.workload,
        Row.goals,
        Row.targets,
        Row.extra_services,
        rt.name,
        xt.name,
        *stage_columns(Row),
    ]
    row = session.execute(
        select(*columns)
        .select_from(Row)
        .outerjoin(rt, col(rt.id) == Row.recommended_tier_id)
        .outerjoin(xt, col(xt.id) == Row.chosen_tier_id)
        .where(Row.client_id == client_id)
    ).first()
    objections = [
        {"kind": kind, "text": text, **({"answer": answer} if answer else {})}
        for kind, text, answer in session.execute(
            select(Objection.kind, Objection.text, Objection.answer)
            .where(Objection.client_id == client_id)
            .order_by(col(Objection.position))
        )
    ]
    if row is None and not objections:
        return None
    doc: dict[str, Any] = {}
    if row is not None:
        (workload, goals, targets, extras, recommended, chosen, sent_on, subject, body,
         markdown, trial_fee, trial_start, trial_end, criteria, outcome, retained_on,
         lost_reason, lost_from, lost_on) = row  # fmt: skip
        targets_map = targets or {}
        ordered = sorted(targets_map.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0]))
        values: list[tuple[str, Any]] = [
            ("workload", workload),
            ("goals", goals),
            ("targets", dict(ordered)),
            ("extra_services", list(extras or [])),
            ("recommended_tier", recommended),
            ("chosen_tier", chosen),
            ("proposal_sent", sent_on),
            ("proposal_subject", subject),
            ("proposal_body", body),
            ("proposal_markdown", bool(markdown)),
            ("trial_fee", None if trial_fee is None else decimal_string(trial_fee)),
            ("trial_start", trial_start),
            ("trial_end", trial_end),
            ("trial_criteria", criteria),
            ("trial_outcome", outcome),
            ("retained", retained_on),
            ("lost_reason", lost_reason),
            ("lost_from", lost_from),
            ("lost", lost_on),
        ]
        doc.update((key, value) for key, value in values if value not in (None, "", {}, [], False))
    if objections:
        doc["objections"] = objections
    return doc


# ---------------------------------------------------------------- import


class Checker(Protocol):
    """What the importer's validator offers (services.import_check.Validator)."""

    tier_names: set[str]
    metric_keys: set[str]

    def problem(self, place: str, message: str) -> None: ...

    def check(self, place: str, parse: Any, value: object, *args: Any) -> Any: ...

    def unknown_keys(self, place: str, table: dict[str, Any], allowed: tuple[str, ...]) -> None: ...

    def tables(self, place: str, raw: object) -> list[tuple[int, dict[str, Any]]]: ...

    def names(self, place: str, raw: object, what: str) -> list[str] | Any: ...


@dataclass(slots=True)
class ProspectPlan:
    """A checked `prospect` table: its columns (tiers still as folded names)."""

    values: dict[str, Any] = field(default_factory=dict)
    recommended_tier: str | None = None
    chosen_tier: str | None = None
    objections: list[tuple[str, str, str]] = field(default_factory=list)


def _money(value: object, what: str) -> int:
    if isinstance(value, float):
        raise v.InvalidValue(f'{what} must be written as a decimal string such as "1500.00"')
    return v.money(value, what)


def _stage(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise v.InvalidValue(f"{what} must be a stage name")
    try:
        return parse_stage(value).value
    except StageError as exc:
        raise v.InvalidValue(str(exc)) from None


def _flag(value: object, what: str) -> bool:
    if not isinstance(value, bool):
        raise v.InvalidValue(f"{what} must be true or false")
    return value


def read_prospect(checker: Checker, place: str, raw: object) -> tuple[ProspectPlan | None, bool]:
    """(plan, ok): the checked table (None when absent); ok is False when it was refused,
    its problems recorded with the checker."""
    if raw is None:
        return None, True
    if not isinstance(raw, dict):
        checker.problem(place, "must be a table")
        return None, False
    checker.unknown_keys(place, raw, PROSPECT_KEYS)
    plan = ProspectPlan()
    ok = True

    def take(key: str, column: str, parse: Any, *args: Any) -> None:
        nonlocal ok
        if raw.get(key) in (None, ""):
            return
        value = checker.check(f"{place}.{key}", parse, raw[key], *args)
        if _refused(value):
            ok = False
            return
        plan.values[column] = value.isoformat() if isinstance(value, date) else value

    for key, column in _TEXTS.items():
        parse = v.optional_line if key in ("proposal_subject", "lost_reason") else v.long_text
        take(key, column, parse, key.replace("_", " "))
    for key, column in _DATES.items():
        take(key, column, v.a_date, key.replace("_", " "))
    take("trial_fee", "trial_fee_cents", _money, "trial fee")
    take("trial_outcome", "trial_outcome", v.choice, TRIAL_OUTCOMES, "trial outcome")
    take("lost_from", "lost_from", _stage, "lost from")
    take("proposal_markdown", "proposal_markdown", _flag, "proposal markdown")
    for key in ("recommended_tier", "chosen_tier"):
        if raw.get(key) in (None, ""):
            continue
        name = checker.check(f"{place}.{key}", v.name, raw[key], key.replace("_", " "))
        if _refused(name):
            ok = False
        elif _fold(name) not in checker.tier_names:
            checker.problem(f"{place}.{key}", f"no tier named {json.dumps(name)} in the file "
                            "or the database")  # fmt: skip
            ok = False
        else:
            setattr(plan, key, _fold(name))
    targets = raw.get("targets")
    if targets is not None:
        if not isinstance(targets, dict):
            checker.problem(f"{place}.targets", "must be a table of metric = monthly target")
            ok = False
        else:
            clean: dict[str, int] = {}
            for key, value in targets.items():
                if key not in checker.metric_keys:
                    checker.problem(f"{place}.targets.{key}", f"unknown metric {json.dumps(key)}")
                    ok = False
                    continue
                number = checker.check(f"{place}.targets.{key}", v.count, value, "target")
                if _refused(number):
                    ok = False
                else:
                    clean[key] = number
            plan.values["targets"] = json.dumps(clean)
    extras = raw.get("extra_services")
    if extras is not None:
        names = checker.names(f"{place}.extra_services", extras, "an extra service")
        if _refused(names):
            ok = False
        else:
            plan.values["extra_services"] = json.dumps(names, ensure_ascii=False)
    for index, entry in checker.tables(f"{place}.objections", raw.get("objections")):
        where = f"{place}.objections[{index}]"
        checker.unknown_keys(where, entry, OBJECTION_KEYS)
        kind = checker.check(
            f"{where}.kind", v.choice, entry.get("kind", "other"), list(OBJECTION_KINDS), "kind"
        )
        text = checker.check(f"{where}.text", v.long_text, entry.get("text"), "objection")
        answer = checker.check(f"{where}.answer", v.long_text, entry.get("answer"), "answer")
        if text == "":
            checker.problem(f"{where}.text", "is required (what the prospect said)")
            ok = False
        if any(_refused(x) for x in (kind, text, answer)):
            ok = False
        elif text:
            plan.objections.append((kind, text, answer))
    return plan, ok


def _refused(value: object) -> bool:
    """The importer's marker for a refused value is an object() of its own."""
    return type(value) is object


def _column_values(values: dict[str, Any]) -> dict[str, Any]:
    """A plan's values (dates as ISO text, JSON as its text, as the importer compares them
    with stored rows) as the table's columns take them: dates as dates, and the JSON text
    written as it is (the JSON type would encode it once more)."""
    from retainer_tui.db.statements import json_stored

    out = dict(values)
    for column in _DATES.values():
        if column in out:
            out[column] = date.fromisoformat(out[column])
    for column in ("targets", "extra_services"):
        if column in out:
            out[column] = json_stored(out[column])
    return out


def write_prospects(
    conn: Session | RawConnection,
    plans: Iterable[tuple[int, ProspectPlan | None]],
    tier_ids: dict[str, int],
) -> None:
    """Each client's prospect row and objections, inside the importer's transaction (the
    rows of replaced clients are already gone)."""
    from sqlalchemy import insert

    from retainer_tui.db.models import Objection
    from retainer_tui.db.models import Prospect as Row
    from retainer_tui.db.statements import session_of

    session = session_of(conn)
    for client_id, plan in plans:
        if plan is None:
            continue
        values = _column_values(plan.values)
        if plan.recommended_tier is not None:
            values["recommended_tier_id"] = tier_ids[plan.recommended_tier]
        if plan.chosen_tier is not None:
            values["chosen_tier_id"] = tier_ids[plan.chosen_tier]
        session.execute(insert(Row).values(client_id=client_id, **values))
        if plan.objections:
            session.execute(
                insert(Objection),
                [
                    dict(client_id=client_id, position=i, kind=kind, text=text, answer=answer)
                    for i, (kind, text, answer) in enumerate(plan.objections)
                ],
            )
