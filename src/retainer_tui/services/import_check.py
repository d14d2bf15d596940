"""Checking a parsed data file against the database: every problem collected at once, and
a plan of what the file holds (only the fields it gives, so that a merge keeps the rest)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from retainer_tui.domain import validation as v
from retainer_tui.domain.catalogue import BUILTIN_KEYS
from retainer_tui.domain.clients import ClientStatus, ServiceType
from retainer_tui.domain.names import name_key
from retainer_tui.services.data_file import FORMAT_ID, ImportProblem
from retainer_tui.services.import_parse import entry_place, key_part, quote
from retainer_tui.services.import_plan import (
    CLIENT_DEFAULTS,
    ClientPlan,
    Context,
    MetricPlan,
    Plan,
    StoredClient,
    TierPlan,
)
from retainer_tui.services.import_rows import BAD, RowReader, Verdict
from retainer_tui.services.import_rows import a_date as _a_date
from retainer_tui.services.import_rows import money as _money
from retainer_tui.services.pipeline_data import read_prospect

TOP_KEYS = ("format", "currency", "metrics", "tiers", "clients")
METRIC_KEYS = ("key", "label", "unit")
TIER_KEYS = ("name", "monthly_fee", "included_hours", "services", "goals", "description")
CLIENT_KEYS = (
    "name",
    "tier",
    "monthly_fee",
    "status",
    "start",
    "end",
    "tracked_from",
    "billing_day",
    "report_due_day",
    "company",
    "decision_maker",
    "email",
    "phone",
    "service_type",
    "stage",
    "next_action",
    "next_action_on",
    "objections",
    "notes",
    "goals",
    "results",
    "hours",
    "payments",
    "reports",
    "prospect",
)
STATUSES = [s.value for s in ClientStatus]
SERVICE_TYPES = [s.value for s in ServiceType]
_LINES = ("company", "decision_maker", "email", "phone", "stage", "next_action")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_MISS = object()


class _NameKeys(set[str]):
    """Tier names by name_key, also for pipeline_data, which folds ASCII letters only."""

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and super().__contains__(name_key(name))


def _default_target(value: object) -> int:
    """A tier's default goal: a whole number above 0 (leaving the metric out means none)."""
    number = v.count(value, "a default target")
    if number == 0:
        raise v.InvalidValue("a default target must be more than 0 (leave the metric out)")
    return number


class Validator(RowReader):
    """Walks the parsed file once, building the plan and collecting every problem.

    replace: the file is the whole truth for the clients and tiers it names, so what it
    leaves out takes the default a new one gets (and is checked as such).
    """

    def __init__(self, ctx: Context, *, replace: bool = False) -> None:
        super().__init__()
        self.ctx = ctx
        self.replace = replace
        self.problems: list[ImportProblem] = []
        self.plan = Plan()
        self.memo: dict[Any, Any] = {}
        self.metric_keys = set(BUILTIN_KEYS) | set(ctx.metrics)
        self.tier_names: set[str] = _NameKeys(ctx.tiers)
        self.seen_metrics: set[str] = set()

    def problem(self, place: str, message: str) -> None:
        self.problems.append(ImportProblem(place, message))

    def check(self, place: str, parse: Callable[..., Any], value: object, *args: Any) -> Any:
        """parse(value, *args), or BAD with the problem recorded at place.

        Verdicts are memoised by (parser, type, value): a large file repeats the same
        amounts, dates and months thousands of times.
        """
        key: Any = (parse, type(value), value, args)
        try:
            verdict = self.memo.get(key, _MISS)
        except TypeError:  # an unhashable value (a list where a number belongs)
            key, verdict = None, _MISS
        if verdict is _MISS:
            try:
                verdict = parse(value, *args)
            except v.InvalidValue as exc:
                verdict = Verdict(str(exc))
            except (ArithmeticError, ValueError, TypeError) as exc:
                verdict = Verdict(f"cannot be read ({exc})")
            if key is not None:
                self.memo[key] = verdict
        if type(verdict) is Verdict:
            self.problem(place, verdict.message)
            return BAD
        return verdict

    def unknown_keys(self, place: str, table: dict[str, Any], allowed: tuple[str, ...]) -> None:
        for key in table:
            if key not in allowed:
                self.problem(
                    f"{place}.{key_part(key)}" if place else key_part(key),
                    f"unknown key {quote(str(key))} (expected one of: {', '.join(allowed)})",
                )

    def tables(self, place: str, raw: object) -> list[tuple[int, dict[str, Any]]]:
        """The entries of an array of tables, 1-based; a problem for anything else."""
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.problem(place, "must be a list of tables")
            return []
        entries = []
        for index, entry in enumerate(raw, start=1):
            if isinstance(entry, dict):
                entries.append((index, entry))
            else:
                self.problem(f"{place}[{index}]", "must be a table")
        return entries

    # -- the file

    def document(self, doc: object) -> None:
        if not isinstance(doc, dict):
            self.problem("file", "must be a table of keys (a TOML document or a JSON object)")
            return
        self.unknown_keys("", doc, TOP_KEYS)
        fmt = doc.get("format")
        if fmt is None:
            self.problem("format", f'is missing: the file must start with format = "{FORMAT_ID}"')
        elif fmt != FORMAT_ID:
            shown = quote(fmt) if isinstance(fmt, str) else repr(fmt)
            self.problem("format", f'must be "{FORMAT_ID}", not {shown}')
        if "currency" in doc:
            self.currency(doc["currency"])
        # Definitions first, so that references to them can be checked afterwards.
        metrics = self.tables("metrics", doc.get("metrics"))
        tiers = self.tables("tiers", doc.get("tiers"))
        clients = self.tables("clients", doc.get("clients"))
        for index, raw in metrics:
            self.metric(index, raw)
        seen_tiers: set[str] = set()
        for index, raw in tiers:
            self.tier(index, raw, seen_tiers)
        seen_clients: set[str] = set()
        for index, raw in clients:
            self.client(index, raw, seen_clients)

    def currency(self, raw: object) -> None:
        code = raw.strip().upper() if isinstance(raw, str) else ""
        if not _CURRENCY.match(code):
            self.problem("currency", "must be a three-letter code such as USD or EUR")
            return
        stored = self.ctx.currency.upper()
        if stored and code != stored and self.ctx.holds_data():
            self.problem(
                "currency",
                f"the file's amounts are in {code} but the database already holds data in "
                f"{stored}; nothing was written (import into a new database with --db, or "
                f'change the file to currency = "{stored}" if its amounts are in {stored})',
            )
            return
        self.plan.currency = code

    def metric(self, index: int, raw: dict[str, Any]) -> None:
        place = entry_place("metrics", index, raw, "key")
        self.unknown_keys(place, raw, METRIC_KEYS)
        key = self.check(f"{place}.key", v.metric_key, raw.get("key", ""))
        stored = self.ctx.metrics.get(key) if key is not BAD else None
        whole = stored is None or self.replace
        label = unit = None
        if whole or "label" in raw:
            label = self.check(f"{place}.label", v.name, raw.get("label", ""), "label")
        if whole or "unit" in raw:
            unit = self.check(f"{place}.unit", v.optional_line, raw.get("unit"), "unit")
        if key is BAD:
            return
        if key in BUILTIN_KEYS or (stored is not None and stored[0]):
            self.problem(
                f"{place}.key",
                f"{quote(key)} is a built-in metric; [[metrics]] holds only your own",
            )
            return
        if key in self.seen_metrics:
            self.problem(f"{place}.key", f"{quote(key)} appears twice in the file")
            return
        self.seen_metrics.add(key)
        self.metric_keys.add(key)
        if label is not BAD and unit is not BAD:
            self.plan.metrics.append(MetricPlan(key, label, unit))

    def named_once(self, place: str, name: Any, key: str, seen: set[str]) -> Any:
        """The name, or BAD (a problem said) when the file gave it before; seen holds it after."""
        if key in seen:
            self.problem(
                f"{place}.name",
                f"{quote(name)} appears twice in the file (names ignore case and accents' "
                "way of writing)",
            )
            name = BAD
        seen.add(key)
        return name

    def named_entry(
        self, section: str, index: int, raw: dict[str, Any], allowed: tuple[str, ...]
    ) -> tuple[str, Any]:
        """A tier's or client's place in the file and its name checked (BAD when refused);
        a key it may not have is a problem."""
        place = entry_place(section, index, raw)
        self.unknown_keys(place, raw, allowed)
        return place, self.check(f"{place}.name", v.name, raw.get("name", ""), "name")

    def tier(self, index: int, raw: dict[str, Any], seen: set[str]) -> None:
        place, name = self.named_entry("tiers", index, raw, TIER_KEYS)
        check = self.check
        key = name_key(name) if name is not BAD else ""
        if name is not BAD:
            name = self.named_once(place, name, key, seen)
            self.tier_names.add(key)
        whole = self.replace or key not in self.ctx.tiers
        values: dict[str, Any] = {}
        if "monthly_fee" in raw:
            values["monthly_fee_cents"] = check(
                f"{place}.monthly_fee", _money, raw["monthly_fee"], "monthly fee"
            )
        elif whole:
            self.problem(f"{place}.monthly_fee", 'is required (a decimal string, "3000.00")')
            values["monthly_fee_cents"] = BAD
        if whole or "included_hours" in raw:
            values["included_hours"] = check(
                f"{place}.included_hours", v.count, raw.get("included_hours", 0), "included hours"
            )
        if whole or "services" in raw:
            services = self.names(f"{place}.services", raw.get("services", []), "a service")
            values["services"] = services if services is BAD else json.dumps(services)
        if whole or "description" in raw:
            values["description"] = check(
                f"{place}.description", v.long_text, raw.get("description"), "description"
            )
        goals = self.tier_goals(f"{place}.goals", raw.get("goals"))
        if goals is None and whole:
            goals = []  # a tier in the file whole brings its default goals whole: none
        if name is not BAD and goals is not BAD and BAD not in values.values():
            self.plan.tiers.append(TierPlan(name, key, values, goals))

    def names(self, place: str, raw: object, what: str) -> list[str] | Any:
        """A list of texts each read as a name (`what` is one, in a problem): a tier's
        services, a prospect's extra services; BAD when it is not a list or any is refused."""
        if not isinstance(raw, list):
            self.problem(place, "must be a list of texts")
            return BAD
        names: list[str] = []
        refused = False
        for number, item in enumerate(raw, start=1):
            name = self.check(f"{place}[{number}]", v.name, item, what)
            if name is BAD:
                refused = True
            else:
                names.append(name)
        return BAD if refused else names

    def tier_goals(self, place: str, raw: object) -> list[tuple[str, int]] | Any:
        """goals = { metric = default target, ... } on a tier; None when absent, BAD when
        any is refused."""
        if raw is None:
            return None
        if not isinstance(raw, dict):
            self.problem(place, "must be a table of metric = default monthly target")
            return BAD
        goals: list[tuple[str, int]] | Any = []
        for key, value in raw.items():
            where = f"{place}.{key_part(key)}"
            if key not in self.metric_keys:
                self.problem(
                    where,
                    f"unknown metric {quote(str(key))} "
                    "(not built-in, not in [[metrics]], not in the database)",
                )
                goals = BAD
                continue
            target = self.check(where, _default_target, value)
            if target is BAD:
                goals = BAD
            elif goals is not BAD:
                goals.append((key, target))
        return goals

    def stored_client(self, place: str, name: str, key: str) -> StoredClient | None | Any:
        """The stored client the file's name matches (None: a new client)."""
        found = self.ctx.ambiguous.get(key)
        if found is None:
            return self.ctx.clients.get(key)
        if name in found:
            return found[name]
        shown = ", ".join(quote(n) for n in sorted(found))
        self.problem(
            f"{place}.name",
            f"matches {len(found)} stored clients ({shown}); rename one in the app, "
            "or give the name exactly as stored",
        )
        return BAD

    def client(self, index: int, raw: dict[str, Any], seen: set[str]) -> None:
        place, name = self.named_entry("clients", index, raw, CLIENT_KEYS)
        stored: Any = None
        if name is not BAD:
            key = name_key(name)
            name = self.named_once(place, name, key, seen)
            if name is not BAD:
                stored = self.stored_client(place, name, key)
        plan = ClientPlan(name, name_key(name) if name is not BAD else "", stored)
        ok = name is not BAD and stored is not BAD
        whole = self.replace or stored is None or stored is BAD
        if "tier" in raw or whole:
            plan.tier_given = True
            plan.tier = self.client_tier(place, raw.get("tier"))
            ok = ok and plan.tier is not BAD
        values = self.client_fields(place, raw, whole)
        plan.values = values
        ok = ok and BAD not in values.values()
        base = CLIENT_DEFAULTS if whole else stored.fields
        merged = {**base, **values}
        status, start, end = merged["status"], merged["start_month"], merged["end_month"]
        if start is None and status not in (BAD, ClientStatus.PROSPECT.value):
            self.problem(
                f"{place}.start",
                f"is required for a client who is {status} (the first month, YYYY-MM)",
            )
            ok = False
        if start not in (None, BAD) and end not in (None, BAD) and end < start:
            self.problem(f"{place}.end", f"end {end} is before start {start}")
            ok = False
        tracked = merged["tracked_from"]
        if start not in (None, BAD) and tracked not in (None, BAD) and tracked < start:
            self.problem(
                f"{place}.tracked_from",
                f"tracked_from {tracked} is before start {start} (leave it out to track from "
                "the start month)",
            )
            ok = False
        self.client_rows(plan, place, raw)
        plan.prospect, prospect_ok = read_prospect(self, f"{place}.prospect", raw.get("prospect"))
        if plan.prospect is not None:
            for attr in ("recommended_tier", "chosen_tier"):
                tier = getattr(plan.prospect, attr)
                if tier is not None:
                    setattr(plan.prospect, attr, name_key(tier))
            prospect_raw = raw["prospect"]
            plan.prospect_cleared = tuple(
                k for k, value in prospect_raw.items() if value in (None, "") and k != "objections"
            )
        if ok and prospect_ok:
            self.plan.clients.append(plan)

    def client_tier(self, place: str, raw: object) -> str | None | Any:
        if raw is None or raw == "":
            return None
        tier_name = self.check(f"{place}.tier", v.name, raw, "tier")
        if tier_name is BAD:
            return BAD
        if tier_name not in self.tier_names:
            self.problem(
                f"{place}.tier", f"no tier named {quote(tier_name)} in the file or the database"
            )
            return BAD
        return name_key(tier_name)

    def client_fields(self, place: str, raw: dict[str, Any], whole: bool) -> dict[str, Any]:
        """The client's columns the file gives (all of them, defaults filled, when whole)."""
        check = self.check
        values: dict[str, Any] = {}

        def given(key: str) -> bool:
            return whole or key in raw

        if given("monthly_fee"):
            fee = None
            if raw.get("monthly_fee") not in (None, ""):
                fee = check(f"{place}.monthly_fee", _money, raw["monthly_fee"], "monthly fee")
            values["fee_override_cents"] = fee
        if given("status"):
            values["status"] = check(
                f"{place}.status", v.choice, raw.get("status", CLIENT_DEFAULTS["status"]),
                STATUSES, "status",
            )  # fmt: skip
        if given("service_type"):
            values["service_type"] = check(
                f"{place}.service_type", v.choice,
                raw.get("service_type", CLIENT_DEFAULTS["service_type"]), SERVICE_TYPES,
                "service type",
            )  # fmt: skip
        for key, column in (
            ("start", "start_month"),
            ("end", "end_month"),
            ("tracked_from", "tracked_from"),
        ):
            if given(key):
                month = check(f"{place}.{key}", v.optional_month, raw.get(key), key)
                values[column] = month if month in (None, BAD) else str(month)
        for key, what in (("billing_day", "billing day"), ("report_due_day", "report due day")):
            if given(key):
                values[key] = check(
                    f"{place}.{key}", v.day_of_month, raw.get(key, CLIENT_DEFAULTS[key]), what
                )
        for key in _LINES:
            if given(key):
                values[key] = check(
                    f"{place}.{key}", v.optional_line, raw.get(key), key.replace("_", " ")
                )
        if given("next_action_on"):
            when = None
            if raw.get("next_action_on") not in (None, ""):
                when = check(
                    f"{place}.next_action_on", _a_date, raw["next_action_on"], "next action date"
                )
            values["next_action_on"] = when.isoformat() if isinstance(when, date) else when
        for key in ("objections", "notes"):
            if given(key):
                values[key] = check(f"{place}.{key}", v.long_text, raw.get(key), key)
        return values


def validate(
    doc: object, ctx: Context, *, replace: bool = False
) -> tuple[Plan, list[ImportProblem]]:
    """The plan of what the file holds, and every problem found in it."""
    validator = Validator(ctx, replace=replace)
    validator.document(doc)
    return validator.plan, validator.problems
