"""Property: any valid data file imports, and export → import → export gives the same bytes."""

from __future__ import annotations

import json
import string
import tempfile
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retainer_tui.db.migrate import open_database
from retainer_tui.domain.catalogue import BUILTIN_KEYS
from retainer_tui.domain.clients import ClientStatus, ServiceType
from retainer_tui.domain.money import MAX_CENTS, decimal_string
from retainer_tui.domain.month import Month
from retainer_tui.domain.names import invisible_character, name_key
from retainer_tui.domain.validation import MAX_COUNT, MAX_HOURS_X100
from retainer_tui.services.data_file import export_data, import_data

pytestmark = pytest.mark.both_engines

_FOLD = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)

# Text as people type it: any printable character, quotes, backslashes, tabs; names on one
# line, longer texts with line breaks too.
_PRINTABLE = st.characters(blacklist_categories=("Cs", "Cc"))
_TRICKY = st.sampled_from(['"', "'", "\\", '"""', "=", "+", "-", "@", "#", "é", "✓", "\t"])
names = (
    st.lists(st.one_of(_PRINTABLE, _TRICKY), min_size=1, max_size=12)
    .map("".join)
    .map(str.strip)
    .filter(lambda s: bool(s) and "\t" not in s and len(s) <= 200)
    # Invisible characters are refused in names (see domain/names.py), and so is a name
    # of only accents (domain.validation.name).
    .filter(lambda s: invisible_character(s) is None)
    .filter(lambda s: not all(unicodedata.category(ch).startswith(("M", "Z")) for ch in s))
)
texts = (
    st.lists(st.one_of(_PRINTABLE, _TRICKY, st.just("\n")), max_size=30)
    .map("".join)
    .map(str.rstrip)
)
months = st.builds(Month, st.integers(2000, 2035), st.integers(1, 12)).map(str)
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2036, 12, 31))
counts = st.one_of(st.integers(0, 1000), st.integers(0, MAX_COUNT))
money = st.integers(0, MAX_CENTS).map(decimal_string)
hours = st.integers(0, MAX_HOURS_X100).map(lambda x: x / 100)
metric_keys = st.from_regex(r"\A[a-z][a-z0-9_]{0,12}\Z").filter(lambda k: k not in BUILTIN_KEYS)


def _optional(draw: st.DrawFn, target: dict[str, Any], key: str, strategy: Any) -> None:
    if draw(st.booleans()):
        target[key] = draw(strategy)


@st.composite
def prospects(draw: st.DrawFn, all_metrics: list[str], tier_names: list[str]) -> dict[str, Any]:
    """A client's [clients.prospect]: discovery, proposal, trial, outcome, objections."""
    prospect: dict[str, Any] = {}
    tiers = st.sampled_from([*tier_names, "Tier 1", "Tier 2", "Tier 3"])
    for key, strategy in (
        ("workload", texts),
        ("goals", texts),
        ("targets", st.dictionaries(st.sampled_from(all_metrics), counts, max_size=3)),
        ("extra_services", st.lists(names, max_size=3)),
        ("recommended_tier", tiers),
        ("chosen_tier", tiers),
        ("proposal_sent", dates),
        ("proposal_subject", names),
        ("proposal_body", texts),
        ("proposal_markdown", st.booleans()),
        ("trial_fee", money),
        ("trial_start", dates),
        ("trial_end", dates),
        ("trial_criteria", texts),
        ("trial_outcome", st.sampled_from(["retained", "lost"])),
        ("retained", dates),
        ("lost_reason", names),
        ("lost_from", st.sampled_from(["call scheduled", "proposal sent", "paid trial"])),
        ("lost", dates),
    ):
        _optional(draw, prospect, key, strategy)
    objections = []
    for _ in range(draw(st.integers(0, 2))):
        objection = {
            "kind": draw(st.sampled_from(["money", "value", "results", "other"])),
            "text": draw(names),
        }
        _optional(draw, objection, "answer", texts)
        objections.append(objection)
    if objections:
        prospect["objections"] = objections
    return prospect


@st.composite
def data_files(draw: st.DrawFn) -> dict[str, Any]:
    """A valid data file as a dict (dates as date objects)."""
    custom = draw(st.lists(metric_keys, max_size=3, unique=True))
    metrics = []
    for key in custom:
        metric = {"key": key, "label": draw(names)}
        _optional(draw, metric, "unit", names)
        metrics.append(metric)
    all_metrics = sorted(BUILTIN_KEYS) + custom

    tier_names = draw(
        st.lists(
            st.one_of(names, st.sampled_from(["Tier 1", "tier 2", "TIER 3"])),
            max_size=4,
            unique_by=name_key,
        )
    )
    tiers = []
    for name in tier_names:
        tier = {
            "name": name,
            "monthly_fee": draw(money),
            "included_hours": draw(st.integers(0, 744)),
            "services": draw(st.lists(names, max_size=4)),
        }
        _optional(draw, tier, "description", texts)
        _optional(
            draw,
            tier,
            "goals",
            st.dictionaries(st.sampled_from(all_metrics), st.integers(1, MAX_COUNT), max_size=3),
        )
        tiers.append(tier)

    clients = []
    client_names = draw(st.lists(names, max_size=4, unique_by=name_key))
    for name in client_names:
        status = draw(st.sampled_from([s.value for s in ClientStatus]))
        client: dict[str, Any] = {"name": name, "status": status}
        if status != "prospect" or draw(st.booleans()):
            start = draw(months)
            client["start"] = start
            if draw(st.booleans()):
                client["end"] = draw(months.filter(lambda m, s=start: m >= s))
            if draw(st.booleans()):
                client["tracked_from"] = draw(months.filter(lambda m, s=start: m >= s))
        _optional(
            draw, client, "tier", st.sampled_from([*tier_names, "Tier 1", "Tier 2", "Tier 3"])
        )
        _optional(draw, client, "monthly_fee", money)
        _optional(draw, client, "billing_day", st.integers(1, 28))
        _optional(draw, client, "report_due_day", st.integers(1, 28))
        _optional(draw, client, "service_type", st.sampled_from([s.value for s in ServiceType]))
        for key in ("company", "decision_maker", "email", "phone", "stage", "next_action"):
            _optional(draw, client, key, names)
        _optional(draw, client, "next_action_on", dates)
        _optional(draw, client, "objections", texts)
        _optional(draw, client, "notes", texts)
        by_metric = st.dictionaries(st.sampled_from(all_metrics), counts, min_size=1, max_size=3)
        _optional(draw, client, "goals", st.dictionaries(months, by_metric, max_size=4))
        _optional(draw, client, "results", st.dictionaries(months, by_metric, max_size=4))
        _optional(draw, client, "hours", st.dictionaries(months, hours, max_size=4))
        payment_months = draw(st.lists(months, max_size=3, unique=True))
        client["payments"] = [
            {"month": m, "amount": draw(money), "received": draw(dates)} for m in payment_months
        ]
        reports = []
        for month in draw(st.lists(months, max_size=3, unique=True)):
            report: dict[str, Any] = {"month": month}
            _optional(draw, report, "sent", dates)
            _optional(draw, report, "highlights", texts)
            reports.append(report)
        client["reports"] = reports
        if draw(st.booleans()):
            client["prospect"] = draw(prospects(all_metrics, tier_names))
        clients.append(client)
    doc: dict[str, Any] = {
        "format": "retainer-tui/1",
        "currency": draw(st.sampled_from(["USD", "EUR", "JPY"])),
    }
    doc.update(metrics=metrics, tiers=tiers, clients=clients)
    return doc


def _text(doc: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(doc, default=lambda d: d.isoformat())
    return tomli_w.dumps(doc, multiline_strings=True)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=data_files(), fmt=st.sampled_from(["toml", "json"]))
def test_export_import_export_is_identical(doc: dict[str, Any], fmt: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        first = open_database(Path(folder) / "first.db")
        # Clients may use the default tiers; a tier in the file is the file's whole.
        text = _text(doc, fmt)
        import_data(first, text, fmt=fmt, replace=True, backup_dir=Path(folder) / "backups")
        exported = {f: export_data(first, f) for f in ("toml", "json")}
        second = open_database(Path(folder) / "second.db")
        import_data(second, exported[fmt], fmt=fmt, new_database=True)
        assert export_data(second, "toml") == exported["toml"]
        assert export_data(second, "json") == exported["json"]

        # And the data is the file's: every tier keeps its default goals (exactly the
        # file's, none when it gives none), every client what it was given.
        tiers_back = {t["name"].translate(_FOLD): t for t in json.loads(exported["json"])["tiers"]}
        for tier in doc["tiers"]:
            assert tiers_back[tier["name"].translate(_FOLD)].get("goals", {}) == tier.get(
                "goals", {}
            )
        # And the data is the file's: every client comes back with what it was given.
        back = {c["name"]: c for c in json.loads(exported["json"])["clients"]}
        assert len(back) == len(doc["clients"])
        for client in doc["clients"]:
            got = back[client["name"]]
            assert got["status"] == client["status"]
            assert got.get("goals", {}) == client.get("goals", {})
            assert got.get("results", {}) == client.get("results", {})
            assert got.get("hours", {}) == {m: h for m, h in client.get("hours", {}).items()}
            assert got.get("notes", "") == client.get("notes", "")
            assert len(got.get("payments", [])) == len(client["payments"])
            assert len(got.get("reports", [])) == len(client["reports"])
            sent = client.get("prospect", {})
            kept = got.get("prospect", {})
            assert [o["text"] for o in kept.get("objections", [])] == [
                o["text"] for o in sent.get("objections", [])
            ]
            assert kept.get("trial_fee") == sent.get("trial_fee")
            assert kept.get("targets", {}) == sent.get("targets", {})
