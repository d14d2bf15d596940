"""Reading a data file into the database: validate everything first, then one transaction.

The file is the truth for what it holds: metrics are created or updated by key, tiers by
name and clients by name (both case-insensitive, as the database compares them); a client
in the file replaces the stored one whole (its goals, results, hours, payments and
reports too). Whatever the file does not mention is left alone. Every problem is
collected and reported at once; when there is any, nothing is written.
"""

from __future__ import annotations

import json
import re
import sqlite3
import string
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from retainer_tui.db.engine import Database
from retainer_tui.domain import validation as v
from retainer_tui.domain.catalogue import BUILTIN_KEYS
from retainer_tui.domain.clients import ClientStatus, ServiceType
from retainer_tui.services.data_file import (
    FORMAT_ID,
    IMPORT_FORMATS,
    DataFileError,
    ImportProblem,
    ImportSummary,
)
from retainer_tui.services.pipeline_data import read_prospect, write_prospects

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
PAYMENT_KEYS = ("month", "amount", "received")
REPORT_KEYS = ("month", "sent", "highlights")
STATUSES = [s.value for s in ClientStatus]
SERVICE_TYPES = [s.value for s in ServiceType]
DEFAULT_STATUS = ClientStatus.ACTIVE.value
DEFAULT_SERVICE_TYPE = ServiceType.SOCIAL_MEDIA.value

# Client columns written from a _ClientPlan.fields tuple, after name and tier_id.
CLIENT_FIELD_COLUMNS = (
    "company",
    "decision_maker",
    "email",
    "phone",
    "service_type",
    "fee_override_cents",
    "billing_day",
    "report_due_day",
    "start_month",
    "end_month",
    "status",
    "notes",
    "stage",
    "next_action",
    "next_action_on",
    "objections",
)
_CLIENT_COLUMNS = ("name", "tier_id", *CLIENT_FIELD_COLUMNS)
_CHILD_TABLES = ("goal", "result", "hours", "payment", "report", "prospect", "objection")

# SQLite's NOCASE folds ASCII letters only; matching names the same way keeps the
# importer and the UNIQUE constraints in agreement.
_ASCII_FOLD = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_TOML_WHERE = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_BAD: Any = object()  # a value that was refused (its problem is already recorded)
_MISS = object()


@dataclass(frozen=True, slots=True)
class _Refused:
    message: str


def fold(name: str) -> str:
    """A name as the database compares it (case-insensitive for ASCII letters)."""
    return name.translate(_ASCII_FOLD)


# ---------------------------------------------------------------- parsing


def parse_text(text: str, fmt: str) -> tuple[Any, list[ImportProblem]]:
    """The file's data, plus problems the parser noticed but survived (JSON duplicate keys).

    A syntax error raises DataFileError at once: nothing else can be checked.
    """
    fmt = fmt.lower()
    if fmt == "csv":
        raise DataFileError(
            [
                ImportProblem(
                    "file",
                    "CSV is export-only (a flat sheet for spreadsheets); "
                    "import a TOML or JSON data file",
                )
            ]
        )
    if fmt not in IMPORT_FORMATS:
        raise DataFileError([ImportProblem("file", f"unknown format {fmt!r}; use toml or json")])
    text = text.removeprefix("\ufeff")
    if fmt == "toml":
        fast = _fast_toml(text)
        if fast is not None:
            return fast, []
        try:
            return tomllib.loads(text), []
        except tomllib.TOMLDecodeError as exc:
            message = str(exc)
            where = _TOML_WHERE.search(message)
            if where:
                problem = ImportProblem(
                    f"line {where.group(1)}",
                    f"{message[: where.start()]} (column {where.group(2)})",
                )
            else:
                problem = ImportProblem("file", message)
            raise DataFileError([problem]) from None
        except RecursionError:
            raise DataFileError([ImportProblem("file", "is nested too deeply")]) from None
        except ValueError as exc:  # e.g. an integer of thousands of digits
            raise DataFileError([ImportProblem("file", f"cannot be read: {exc}")]) from None
    duplicates: list[ImportProblem] = []

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    duplicates.append(
                        ImportProblem("file", f"key {_quote(key)} appears twice in one object")
                    )
                seen.add(key)
        return obj

    try:
        return json.loads(text, object_pairs_hook=no_duplicates), duplicates
    except json.JSONDecodeError as exc:
        raise DataFileError(
            [ImportProblem(f"line {exc.lineno}", f"{exc.msg} (column {exc.colno})")]
        ) from None
    except RecursionError:
        raise DataFileError([ImportProblem("file", "is nested too deeply")]) from None
    except ValueError as exc:  # e.g. an integer of thousands of digits
        raise DataFileError([ImportProblem("file", f"cannot be read: {exc}")]) from None


# ---------------------------------------------------------------- what is stored already


@dataclass(slots=True)
class _Context:
    """The names and keys the file can refer to, read in one query each."""

    metrics: dict[str, bool]  # key -> built-in
    metric_position: int
    tiers: dict[str, int]  # folded name -> id
    tier_max_id: int
    tier_position: int
    clients: dict[str, int]  # folded name -> id
    client_max_id: int


def _read_context(conn: sqlite3.Connection) -> _Context:
    metrics = {
        key: bool(builtin) for key, builtin in conn.execute("SELECT key, builtin FROM metric")
    }
    tiers = {fold(name): tier_id for tier_id, name in conn.execute("SELECT id, name FROM tier")}
    clients = {fold(name): cid for cid, name in conn.execute("SELECT id, name FROM client")}
    (metric_position,) = conn.execute("SELECT coalesce(max(position), -1) FROM metric").fetchone()
    tier_max_id, tier_position = conn.execute(
        "SELECT coalesce(max(id), 0), coalesce(max(position), -1) FROM tier"
    ).fetchone()
    (client_max_id,) = conn.execute("SELECT coalesce(max(id), 0) FROM client").fetchone()
    return _Context(
        metrics, metric_position, tiers, tier_max_id, tier_position, clients, client_max_id
    )


# ---------------------------------------------------------------- the validated plan


@dataclass(slots=True)
class _TierPlan:
    name: str
    fee_cents: int
    included_hours: int
    services_json: str
    description: str
    goals: list[tuple[str, int]] = field(default_factory=list)  # metric, default target


@dataclass(slots=True)
class _ClientPlan:
    name: str
    tier: str | None  # folded tier name
    fields: tuple[Any, ...]  # in CLIENT_FIELD_COLUMNS order
    goals: list[tuple[str, str, int]] = field(default_factory=list)  # metric, month, target
    results: list[tuple[str, str, int]] = field(default_factory=list)
    hours: list[tuple[str, int]] = field(default_factory=list)
    payments: list[tuple[str, int, str]] = field(default_factory=list)
    reports: list[tuple[str, str | None, str]] = field(default_factory=list)
    prospect: Any = None  # a pipeline_data.ProspectPlan


@dataclass(slots=True)
class _Plan:
    currency: str | None = None
    metrics: list[tuple[str, str, str]] = field(default_factory=list)
    tiers: list[_TierPlan] = field(default_factory=list)
    clients: list[_ClientPlan] = field(default_factory=list)

    def summary(self, ctx: _Context) -> ImportSummary:
        clients = self.clients
        return ImportSummary(
            metrics=len(self.metrics),
            tiers=len(self.tiers),
            clients=len(clients),
            goals=sum(len(c.goals) for c in clients),
            results=sum(len(c.results) for c in clients),
            hours=sum(len(c.hours) for c in clients),
            payments=sum(len(c.payments) for c in clients),
            reports=sum(len(c.reports) for c in clients),
            clients_replaced=sum(1 for c in clients if fold(c.name) in ctx.clients),
            tiers_updated=sum(1 for t in self.tiers if fold(t.name) in ctx.tiers),
        )


# ---------------------------------------------------------------- validation


def _quote(text: str) -> str:
    """The text as a JSON string with every control and format character escaped too
    (DEL, C1 controls, bidi overrides): a message quoting the file stays one line that a
    terminal shows as it is, whatever the file holds."""
    quoted = json.dumps(text, ensure_ascii=False)
    if quoted.isprintable():
        return quoted
    return "".join(ch if ch.isprintable() else _escape(ch) for ch in quoted)


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _key_part(key: object) -> str:
    text = str(key)
    return text if _BARE_KEY.match(text) else _quote(text)


def _month_place(place: str, key: object) -> str:
    return f"{place}.{_quote(str(key))}"


def _entry_place(section: str, index: int, raw: object, name_key: str = "name") -> str:
    """'clients[3] "Rossi Bakery"' (1-based), or 'clients[3]' when the name is unusable."""
    place = f"{section}[{index}]"
    name = raw.get(name_key) if isinstance(raw, dict) else None
    if isinstance(name, str) and name.strip():
        shown = name.strip()
        if len(shown) > 60:
            shown = shown[:57] + "..."
        place += f" {_quote(shown)}"
    return place


def _a_date(value: object, what: str) -> date:
    """A TOML date, or a 'YYYY-MM-DD' string (JSON); never a date-time."""
    if isinstance(value, datetime):
        raise v.InvalidValue(f"{what} must be a date without a time (YYYY-MM-DD)")
    if isinstance(value, date | str):
        return v.a_date(value, what)
    raise v.InvalidValue(f"{what} must be a date written YYYY-MM-DD")


def _default_target(value: object) -> int:
    """A tier's default goal: a whole number above 0 (leaving the metric out means none)."""
    number = v.count(value, "a default target")
    if number == 0:
        raise v.InvalidValue("a default target must be more than 0 (leave the metric out)")
    return number


def _money(value: object, what: str) -> int:
    if isinstance(value, float):
        raise v.InvalidValue(f'{what} must be written as a decimal string such as "2000.00"')
    return v.money(value, what)


class _Validator:
    """Walks the parsed file once, building the plan and collecting every problem."""

    def __init__(self, ctx: _Context) -> None:
        self.ctx = ctx
        self.problems: list[ImportProblem] = []
        self.plan = _Plan()
        self.months: dict[object, str] = {}
        self.memo: dict[Any, Any] = {}
        self.metric_keys = set(BUILTIN_KEYS) | set(ctx.metrics)
        self.tier_names = set(ctx.tiers)
        self.seen_metrics: set[str] = set()

    def problem(self, place: str, message: str) -> None:
        self.problems.append(ImportProblem(place, message))

    def check(self, place: str, parse: Callable[..., Any], value: object, *args: Any) -> Any:
        """parse(value, *args), or _BAD with the problem recorded at place.

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
                verdict = _Refused(str(exc))
            except (ArithmeticError, ValueError, TypeError) as exc:
                verdict = _Refused(f"cannot be read ({exc})")
            if key is not None:
                self.memo[key] = verdict
        if type(verdict) is _Refused:
            self.problem(place, verdict.message)
            return _BAD
        return verdict

    def month(self, place: str, raw: object) -> str | Any:
        """A 'YYYY-MM' month (memoised: the same few months recur thousands of times)."""
        try:
            return self.months[raw]
        except (KeyError, TypeError):
            pass
        month = self.check(place, v.month, raw)
        if month is _BAD:
            return _BAD
        text = str(month)
        if isinstance(raw, str):
            self.months[raw] = text
        return text

    def unknown_keys(self, place: str, table: dict[str, Any], allowed: tuple[str, ...]) -> None:
        for key in table:
            if key not in allowed:
                self.problem(
                    f"{place}.{_key_part(key)}" if place else _key_part(key),
                    f"unknown key {_quote(str(key))} (expected one of: {', '.join(allowed)})",
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
            shown = _quote(fmt) if isinstance(fmt, str) else repr(fmt)
            self.problem("format", f'must be "{FORMAT_ID}", not {shown}')
        if "currency" in doc:
            currency = doc["currency"]
            code = currency.strip().upper() if isinstance(currency, str) else ""
            if _CURRENCY.match(code):
                self.plan.currency = code
            else:
                self.problem("currency", "must be a three-letter code such as USD or EUR")
        # Definitions first, so that references to them can be checked afterwards.
        metrics = self.tables("metrics", doc.get("metrics"))
        tiers = self.tables("tiers", doc.get("tiers"))
        clients = self.tables("clients", doc.get("clients"))
        for index, raw in metrics:
            self.metric(index, raw)
        seen_tiers: dict[str, str] = {}
        for index, raw in tiers:
            self.tier(index, raw, seen_tiers)
        seen_clients: dict[str, str] = {}
        for index, raw in clients:
            self.client(index, raw, seen_clients)

    def metric(self, index: int, raw: dict[str, Any]) -> None:
        place = _entry_place("metrics", index, raw, "key")
        self.unknown_keys(place, raw, METRIC_KEYS)
        key = self.check(f"{place}.key", v.metric_key, raw.get("key", ""))
        label = self.check(f"{place}.label", v.name, raw.get("label", ""), "label")
        unit = self.check(f"{place}.unit", v.optional_line, raw.get("unit"), "unit")
        if key is _BAD:
            return
        if key in BUILTIN_KEYS or self.ctx.metrics.get(key):
            self.problem(
                f"{place}.key",
                f"{_quote(key)} is a built-in metric; [[metrics]] holds only your own",
            )
            return
        if key in self.seen_metrics:
            self.problem(f"{place}.key", f"{_quote(key)} appears twice in the file")
            return
        self.seen_metrics.add(key)
        self.metric_keys.add(key)
        if label is not _BAD and unit is not _BAD:
            self.plan.metrics.append((key, label, unit))

    def tier(self, index: int, raw: dict[str, Any], seen: dict[str, str]) -> None:
        place = _entry_place("tiers", index, raw)
        self.unknown_keys(place, raw, TIER_KEYS)
        name = self.check(f"{place}.name", v.name, raw.get("name", ""), "name")
        if name is not _BAD:
            folded = fold(name)
            if folded in seen:
                self.problem(
                    f"{place}.name",
                    f"{_quote(name)} appears twice in the file (names ignore case)",
                )
                name = _BAD
            seen[folded] = name
            self.tier_names.add(folded)
        if "monthly_fee" in raw:
            fee = self.check(f"{place}.monthly_fee", _money, raw["monthly_fee"], "monthly fee")
        else:
            self.problem(f"{place}.monthly_fee", 'is required (a decimal string, "3000.00")')
            fee = _BAD
        hours = self.check(
            f"{place}.included_hours", v.count, raw.get("included_hours", 0), "included hours"
        )
        services_raw = raw.get("services", [])
        services: list[str] | Any = []
        if not isinstance(services_raw, list):
            self.problem(f"{place}.services", "must be a list of texts")
            services = _BAD
        else:
            for number, item in enumerate(services_raw, start=1):
                service = self.check(f"{place}.services[{number}]", v.name, item, "a service")
                if service is _BAD:
                    services = _BAD
                elif services is not _BAD:
                    services.append(service)
        description = self.check(
            f"{place}.description", v.long_text, raw.get("description"), "description"
        )
        goals = self.tier_goals(f"{place}.goals", raw.get("goals"))
        if _BAD not in (name, fee, hours, services, description, goals):
            self.plan.tiers.append(
                _TierPlan(name, fee, hours, json.dumps(services), description, goals)
            )

    def tier_goals(self, place: str, raw: object) -> list[tuple[str, int]] | Any:
        """goals = { metric = default target, ... } on a tier; _BAD when any is refused."""
        if raw is None:
            return []
        if not isinstance(raw, dict):
            self.problem(place, "must be a table of metric = default monthly target")
            return _BAD
        goals: list[tuple[str, int]] | Any = []
        for key, value in raw.items():
            where = f"{place}.{_key_part(key)}"
            if key not in self.metric_keys:
                self.problem(
                    where,
                    f"unknown metric {_quote(str(key))} "
                    "(not built-in, not in [[metrics]], not in the database)",
                )
                goals = _BAD
                continue
            target = self.check(where, _default_target, value)
            if target is _BAD:
                goals = _BAD
            elif goals is not _BAD:
                goals.append((key, target))
        return goals

    def client(self, index: int, raw: dict[str, Any], seen: dict[str, str]) -> None:
        place = _entry_place("clients", index, raw)
        self.unknown_keys(place, raw, CLIENT_KEYS)
        check = self.check
        name = check(f"{place}.name", v.name, raw.get("name", ""), "name")
        if name is not _BAD:
            folded = fold(name)
            if folded in seen:
                self.problem(
                    f"{place}.name",
                    f"{_quote(name)} appears twice in the file (names ignore case)",
                )
                name = _BAD
            seen[folded] = name
        tier: str | None = None
        tier_raw = raw.get("tier")
        if tier_raw is not None and tier_raw != "":
            tier_name = check(f"{place}.tier", v.name, tier_raw, "tier")
            if tier_name is _BAD:
                tier = _BAD
            elif fold(tier_name) not in self.tier_names:
                self.problem(
                    f"{place}.tier",
                    f"no tier named {_quote(tier_name)} in the file or the database",
                )
                tier = _BAD
            else:
                tier = fold(tier_name)
        fee = None
        if raw.get("monthly_fee") not in (None, ""):
            fee = check(f"{place}.monthly_fee", _money, raw["monthly_fee"], "monthly fee")
        status = check(
            f"{place}.status", v.choice, raw.get("status", DEFAULT_STATUS), STATUSES, "status"
        )
        service_type = check(
            f"{place}.service_type",
            v.choice,
            raw.get("service_type", DEFAULT_SERVICE_TYPE),
            SERVICE_TYPES,
            "service type",
        )
        start = check(f"{place}.start", v.optional_month, raw.get("start"), "start")
        end = check(f"{place}.end", v.optional_month, raw.get("end"), "end")
        if start is None and status not in (_BAD, ClientStatus.PROSPECT.value):
            self.problem(
                f"{place}.start",
                f"is required for a client who is {status} (the first month, YYYY-MM)",
            )
            start = _BAD
        if start not in (None, _BAD) and end not in (None, _BAD) and end < start:
            self.problem(f"{place}.end", f"end {end} is before start {start}")
            end = _BAD
        billing_day = check(
            f"{place}.billing_day", v.day_of_month, raw.get("billing_day", 1), "billing day"
        )
        report_due_day = check(
            f"{place}.report_due_day",
            v.day_of_month,
            raw.get("report_due_day", 5),
            "report due day",
        )
        lines = [
            check(f"{place}.{key}", v.optional_line, raw.get(key), key.replace("_", " "))
            for key in ("company", "decision_maker", "email", "phone", "stage", "next_action")
        ]
        next_action_on = None
        if raw.get("next_action_on") not in (None, ""):
            next_action_on = check(
                f"{place}.next_action_on", _a_date, raw["next_action_on"], "next action date"
            )
        objections = check(f"{place}.objections", v.long_text, raw.get("objections"), "objections")
        notes = check(f"{place}.notes", v.long_text, raw.get("notes"), "notes")
        company, decision_maker, email, phone, stage, next_action = lines
        fields = (
            company,
            decision_maker,
            email,
            phone,
            service_type,
            fee,
            billing_day,
            report_due_day,
            None if start is None or start is _BAD else str(start),
            None if end is None or end is _BAD else str(end),
            status,
            notes,
            stage,
            next_action,
            next_action_on.isoformat() if isinstance(next_action_on, date) else next_action_on,
            objections,
        )
        plan = _ClientPlan(name, tier, fields)
        plan.goals = self.month_metrics(f"{place}.goals", raw.get("goals"), "target")
        plan.results = self.month_metrics(f"{place}.results", raw.get("results"), "actual")
        plan.hours = self.hours(f"{place}.hours", raw.get("hours"))
        plan.payments = self.payments(f"{place}.payments", raw.get("payments"))
        plan.reports = self.reports(f"{place}.reports", raw.get("reports"))
        plan.prospect, prospect_ok = read_prospect(self, f"{place}.prospect", raw.get("prospect"))
        if name is not _BAD and tier is not _BAD and _BAD not in fields and prospect_ok:
            self.plan.clients.append(plan)

    def month_table(self, place: str, raw: object) -> Iterator[tuple[str, str, object]]:
        """(key, month, value) for each valid month key of a month -> value table."""
        if raw is None:
            return
        if not isinstance(raw, dict):
            self.problem(place, 'must be a table of "YYYY-MM" months')
            return
        seen: set[str] = set()
        months = self.months
        for key, value in raw.items():
            month = months.get(key)
            if month is None:
                month = self.month(_month_place(place, key), key)
                if month is _BAD:
                    continue
            if month in seen:
                self.problem(_month_place(place, key), f"month {month} appears twice")
                continue
            seen.add(month)
            yield key, month, value

    def month_metrics(self, place: str, raw: object, what: str) -> list[tuple[str, str, int]]:
        """goals / results: month -> metric -> whole number."""
        rows: list[tuple[str, str, int]] = []
        known = self.metric_keys
        limit = v.MAX_COUNT
        for month_key, month, values in self.month_table(place, raw):
            if not isinstance(values, dict):
                self.problem(_month_place(place, month_key), f"must be a table of metric = {what}")
                continue
            for key, value in values.items():
                if key not in known:
                    self.problem(
                        f"{_month_place(place, month_key)}.{_key_part(key)}",
                        f"unknown metric {_quote(str(key))} "
                        "(not built-in, not in [[metrics]], not in the database)",
                    )
                    continue
                if type(value) is int and 0 <= value <= limit:
                    rows.append((key, month, value))
                    continue
                number = self.check(
                    f"{_month_place(place, month_key)}.{_key_part(key)}", v.count, value, what
                )
                if number is not _BAD:
                    rows.append((key, month, number))
        return rows

    def hours(self, place: str, raw: object) -> list[tuple[str, int]]:
        rows: list[tuple[str, int]] = []
        limit = v.MAX_HOURS_X100
        for month_key, month, value in self.month_table(place, raw):
            # Fast path for the common case; anything else gets hours_x100's verdict.
            if type(value) is float and 0 <= value <= limit:
                scaled = round(value * 100)
                if scaled <= limit and scaled / 100 == value:
                    rows.append((month, scaled))
                    continue
            elif type(value) is int and 0 <= value * 100 <= limit:
                rows.append((month, value * 100))
                continue
            hundredths = self.check(_month_place(place, month_key), v.hours_x100, value, "hours")
            if hundredths is not _BAD:
                rows.append((month, hundredths))
        return rows

    def payments(self, place: str, raw: object) -> list[tuple[str, int, str]]:
        rows: list[tuple[str, int, str]] = []
        seen: set[str] = set()
        for index, entry in self.tables(place, raw):
            where = f"{place}[{index}]"
            self.unknown_keys(where, entry, PAYMENT_KEYS)
            month = self.entry_month(where, entry, seen)
            if "amount" in entry:
                amount = self.check(f"{where}.amount", _money, entry["amount"], "amount")
            else:
                self.problem(f"{where}.amount", "is required")
                amount = _BAD
            if "received" in entry:
                received = self.check(f"{where}.received", _a_date, entry["received"], "received")
            else:
                self.problem(f"{where}.received", "is required (the date it was received)")
                received = _BAD
            if _BAD not in (month, amount, received):
                rows.append((month, amount, received.isoformat()))
        return rows

    def reports(self, place: str, raw: object) -> list[tuple[str, str | None, str]]:
        rows: list[tuple[str, str | None, str]] = []
        seen: set[str] = set()
        for index, entry in self.tables(place, raw):
            where = f"{place}[{index}]"
            self.unknown_keys(where, entry, REPORT_KEYS)
            month = self.entry_month(where, entry, seen)
            sent = None
            if entry.get("sent") not in (None, ""):
                sent = self.check(f"{where}.sent", _a_date, entry["sent"], "sent")
            highlights = self.check(
                f"{where}.highlights", v.long_text, entry.get("highlights"), "highlights"
            )
            if _BAD not in (month, sent, highlights):
                rows.append((month, sent.isoformat() if sent else None, highlights))
        return rows

    def entry_month(self, where: str, entry: dict[str, Any], seen: set[str]) -> str | Any:
        if "month" not in entry:
            self.problem(f"{where}.month", "is required (YYYY-MM)")
            return _BAD
        month = self.month(f"{where}.month", entry["month"])
        if month is not _BAD:
            if month in seen:
                self.problem(f"{where}.month", f"month {month} appears twice")
                return _BAD
            seen.add(month)
        return month


# ---------------------------------------------------------------- writing


def _write(conn: sqlite3.Connection, plan: _Plan, ctx: _Context) -> None:
    """Everything in the plan, in bulk, inside the caller's transaction."""
    if plan.currency:
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('currency', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (plan.currency,),
        )
    position = ctx.metric_position
    new_metrics, changed_metrics = [], []
    for key, label, unit in plan.metrics:
        if key in ctx.metrics:
            changed_metrics.append((label, unit, key))
        else:
            position += 1
            new_metrics.append((key, label, unit, position))
    conn.executemany("UPDATE metric SET label = ?, unit = ? WHERE key = ?", changed_metrics)
    conn.executemany(
        "INSERT INTO metric (key, label, unit, builtin, position) VALUES (?, ?, ?, 0, ?)",
        new_metrics,
    )

    tier_ids = dict(ctx.tiers)
    tier_id, position = ctx.tier_max_id, ctx.tier_position
    new_tiers, changed_tiers = [], []
    for t in plan.tiers:
        values = (t.name, t.fee_cents, t.included_hours, t.services_json, t.description)
        existing = tier_ids.get(fold(t.name))
        if existing is not None:
            changed_tiers.append((*values, existing))
        else:
            tier_id += 1
            position += 1
            tier_ids[fold(t.name)] = tier_id
            new_tiers.append((tier_id, *values, position))
    conn.executemany(
        "UPDATE tier SET name = ?, monthly_fee_cents = ?, included_hours = ?, services = ?, "
        "description = ? WHERE id = ?",
        changed_tiers,
    )
    conn.executemany(
        "INSERT INTO tier (id, name, monthly_fee_cents, included_hours, services, description, "
        "position) VALUES (?, ?, ?, ?, ?, ?, ?)",
        new_tiers,
    )
    # A tier in the file brings its default goals whole (none when it lists none).
    planned = [tier_ids[fold(t.name)] for t in plan.tiers]
    conn.executemany("DELETE FROM tier_goal WHERE tier_id = ?", [(tid,) for tid in planned])
    conn.executemany(
        "INSERT INTO tier_goal (tier_id, metric_key, target) VALUES (?, ?, ?)",
        (
            (tid, key, target)
            for tid, t in zip(planned, plan.tiers, strict=True)
            for key, target in t.goals
        ),
    )

    client_id = ctx.client_max_id
    ids: list[int] = []
    new_clients, changed_clients = [], []
    for c in plan.clients:
        if c.tier is not None and c.tier not in tier_ids:
            # Deleted by someone else since the file was checked.
            raise DataFileError([ImportProblem(_quote(c.name), "its tier no longer exists")])
        row = (c.name, tier_ids[c.tier] if c.tier is not None else None, *c.fields)
        existing = ctx.clients.get(fold(c.name))
        if existing is not None:
            changed_clients.append((*row, existing))
            ids.append(existing)
        else:
            client_id += 1
            new_clients.append((client_id, *row))
            ids.append(client_id)
    replaced = [(row[-1],) for row in changed_clients]
    for table in _CHILD_TABLES:
        conn.executemany(f"DELETE FROM {table} WHERE client_id = ?", replaced)
    assignments = ", ".join(f"{column} = ?" for column in _CLIENT_COLUMNS)
    conn.executemany(f"UPDATE client SET {assignments} WHERE id = ?", changed_clients)
    columns = ", ".join(("id", *_CLIENT_COLUMNS))
    marks = ", ".join("?" * (len(_CLIENT_COLUMNS) + 1))
    conn.executemany(f"INSERT INTO client ({columns}) VALUES ({marks})", new_clients)

    pairs = list(zip(ids, plan.clients, strict=True))
    conn.executemany(
        "INSERT INTO goal (client_id, metric_key, month, target) VALUES (?, ?, ?, ?)",
        ((cid, k, m, n) for cid, c in pairs for k, m, n in c.goals),
    )
    conn.executemany(
        "INSERT INTO result (client_id, metric_key, month, actual) VALUES (?, ?, ?, ?)",
        ((cid, k, m, n) for cid, c in pairs for k, m, n in c.results),
    )
    conn.executemany(
        "INSERT INTO hours (client_id, month, hours_x100) VALUES (?, ?, ?)",
        ((cid, m, h) for cid, c in pairs for m, h in c.hours),
    )
    conn.executemany(
        "INSERT INTO payment (client_id, month, amount_cents, received_on) VALUES (?, ?, ?, ?)",
        ((cid, m, a, r) for cid, c in pairs for m, a, r in c.payments),
    )
    conn.executemany(
        "INSERT INTO report (client_id, month, sent_on, highlights) VALUES (?, ?, ?, ?)",
        ((cid, m, s, h) for cid, c in pairs for m, s, h in c.reports),
    )
    write_prospects(conn, ((cid, c.prospect) for cid, c in pairs), tier_ids)


def validate(doc: object, ctx: _Context) -> tuple[_Plan, list[ImportProblem]]:
    validator = _Validator(ctx)
    validator.document(doc)
    return validator.plan, validator.problems


def import_text(db: Database, text: str, *, fmt: str, dry_run: bool = False) -> ImportSummary:
    """Check the whole file, then (unless dry_run) write it in one transaction."""
    doc, problems = parse_text(text, fmt)
    with db.read() as conn:
        ctx = _read_context(conn)
    plan, found = validate(doc, ctx)
    problems.extend(found)
    if problems:
        raise DataFileError(problems)
    if dry_run:
        return plan.summary(ctx)
    with db.write() as conn:
        # Read again under the write lock: ids may have moved since, and when the names
        # the file can refer to have changed too, its references are checked again.
        fresh = _read_context(conn)
        if fresh.metrics != ctx.metrics or fresh.tiers.keys() != ctx.tiers.keys():
            plan, problems = validate(doc, fresh)
            if problems:
                raise DataFileError(problems)
        _write(conn, plan, fresh)
    return plan.summary(fresh)


def _fast_toml(text: str) -> dict[str, Any] | None:
    """Parse with rtoml (compiled, ~5x faster on big files) when it is installed and the file
    is valid; None sends the caller to tomllib, whose errors name the line and column."""
    try:
        import rtoml
    except ImportError:
        return None
    try:
        data = rtoml.loads(text)
    except Exception:
        return None
    return data if isinstance(data, dict) else None
