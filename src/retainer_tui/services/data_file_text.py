"""The data file's text: the documents export.py reads, written as TOML or JSON.

The writers are made for millions of values: TOML keys memoised, strings through json's
C escaper, JSON values through one encoder made once. The output is deterministic, so
export → import → export gives the same bytes (tests/unit/test_data_file_roundtrip.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import date
from functools import cache
from json.encoder import encode_basestring as _encode_basestring
from typing import Any

import tomli_w

# Keys of a client that are sub-tables or arrays of tables, in the order they are written.
CLIENT_SECTIONS = ("goals", "results", "hours", "payments", "reports", "prospect")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


# ---------------------------------------------------------------- TOML


@cache
def _key(key: str) -> str:
    """A TOML key: bare when it can be, else a quoted (escaped) string (the same few
    metric keys are written millions of times)."""
    return key if _BARE_KEY.match(key) else _basic_string(key)


def _scalars(table: dict[str, Any]) -> str:
    """Plain key = value lines through tomli_w (it owns string escaping); text with line
    breaks as multi-line strings, unless it holds a carriage return (tomli_w would turn
    CRLF into LF there, and the round trip must be exact)."""
    multiline = not any(isinstance(v, str) and "\r" in v for v in table.values())
    return tomli_w.dumps(table, multiline_strings=multiline)


def _basic_string(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, except that DEL must be escaped."""
    # encode_basestring is what json.dumps(text, ensure_ascii=False) returns, without
    # the encoder json.dumps builds for each call.
    return _encode_basestring(text).replace("\x7f", "\\u007f")


def _array_line(key: str, items: list[str]) -> str:
    """key = [...] on one line when it fits in 100 characters, else one item a line."""
    parts = [_basic_string(item) for item in items]
    line = f"{key} = [{', '.join(parts)}]\n"
    if len(line) <= 101:
        return line
    return f"{key} = [\n" + "".join(f"    {part},\n" for part in parts) + "]\n"


def _toml_tier(tier: dict[str, Any]) -> str:
    head = {k: tier[k] for k in ("name", "monthly_fee", "included_hours")}
    out = ["\n[[tiers]]\n", _scalars(head), _array_line("services", tier["services"])]
    if "goals" in tier:
        out.append(f"goals = {_inline(tier['goals'])}\n")
    if "description" in tier:
        out.append(_scalars({"description": tier["description"]}))
    return "".join(out)


def _inline(values: dict[str, int]) -> str:
    return "{ " + ", ".join(f"{_key(k)} = {v}" for k, v in values.items()) + " }"


def _toml_client(client: dict[str, Any]) -> str:
    scalars = {k: v for k, v in client.items() if k not in CLIENT_SECTIONS}
    out = ["\n[[clients]]\n", _scalars(scalars)]
    for section in ("goals", "results"):
        months = client.get(section)
        if months:
            out.append(f"\n[clients.{section}]\n")
            out.extend(f"{_basic_string(m)} = {_inline(values)}\n" for m, values in months.items())
    hours = client.get("hours")
    if hours:
        out.append("\n[clients.hours]\n")
        out.extend(f"{_basic_string(m)} = {h!r}\n" for m, h in hours.items())
    for payment in client.get("payments", ()):
        out.append(
            f"\n[[clients.payments]]\nmonth = {_basic_string(payment['month'])}\n"
            f"amount = {_basic_string(payment['amount'])}\n"
            f"received = {payment['received'].isoformat()}\n"
        )
    for report in client.get("reports", ()):
        out.append(f"\n[[clients.reports]]\nmonth = {_basic_string(report['month'])}\n")
        if "sent" in report:
            out.append(f"sent = {report['sent'].isoformat()}\n")
        if "highlights" in report:
            out.append(_scalars({"highlights": report["highlights"]}))
    prospect = client.get("prospect")
    if prospect:
        out.append(_toml_prospect(prospect))
    return "".join(out)


def _toml_prospect(prospect: dict[str, Any]) -> str:
    """[clients.prospect] (targets inline, services on a line) and its objections."""
    nested = ("targets", "extra_services", "objections")
    out = ["\n[clients.prospect]\n"]
    out.append(_scalars({k: v for k, v in prospect.items() if k not in nested}))
    if "targets" in prospect:
        out.append(f"targets = {_inline(prospect['targets'])}\n")
    if "extra_services" in prospect:
        out.append(_array_line("extra_services", prospect["extra_services"]))
    for objection in prospect.get("objections", ()):
        out.append("\n[[clients.prospect.objections]]\n")
        out.append(_scalars(objection))
    return "".join(out)


def toml_text(head: dict[str, Any], clients: Iterator[dict[str, Any]]) -> str:
    out = [_scalars({"format": head["format"], "currency": head["currency"]})]
    for metric in head["metrics"]:
        out.append("\n[[metrics]]\n")
        out.append(_scalars(metric))
    out.extend(_toml_tier(tier) for tier in head["tiers"])
    out.extend(_toml_client(client) for client in clients)
    return "".join(out)


# ---------------------------------------------------------------- JSON


def _json_default(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


# One encoder for the whole export (json.dumps would build one per call); the C encoder
# is used because there is no indent: the layout below is made by hand.
_JSON = json.JSONEncoder(ensure_ascii=False, default=_json_default)
_JSON_INDENTED = json.JSONEncoder(ensure_ascii=False, default=_json_default, indent=2)


def _value_encoder() -> Callable[[object], str]:
    """_JSON.encode, with its C encoder made once: encode() makes a new one for every
    value that is not a string, and a large export encodes millions of small values.
    The text is the same (the C encoder is what encode() runs; without a circular check,
    which plain rows do not need)."""
    from json.encoder import c_make_encoder  # type: ignore[attr-defined]

    if c_make_encoder is None:
        return _JSON.encode
    chunks = c_make_encoder(
        None, _json_default, _encode_basestring, None, ": ", ", ", False, False, True
    )

    def encode(value: object) -> str:
        if type(value) is str:
            return _encode_basestring(value)
        return "".join(chunks(value, 0))

    return encode


_encode = _value_encoder()


def _json_client(client: dict[str, Any]) -> str:
    """A client laid out like its TOML: a key a line, one line per month or entry.

    (json.dumps with indent is pure Python and puts every number on its own line; this is
    faster and easier to read.)
    """
    encode = _encode
    lines = [
        f"      {encode(key)}: {encode(value)}"
        for key, value in client.items()
        if key not in CLIENT_SECTIONS
    ]
    for section in ("goals", "results", "hours"):
        months = client.get(section)
        if months:
            inner = ",\n".join(
                f"        {encode(month)}: {encode(value)}" for month, value in months.items()
            )
            lines.append(f'      "{section}": {{\n{inner}\n      }}')
    for section in ("payments", "reports"):
        entries = client.get(section)
        if entries:
            inner = ",\n".join(f"        {encode(entry)}" for entry in entries)
            lines.append(f'      "{section}": [\n{inner}\n      ]')
    if "prospect" in client:
        lines.append(f'      "prospect": {encode(client["prospect"])}')
    return "    {\n" + ",\n".join(lines) + "\n    }"


def json_text(head: dict[str, Any], clients: Iterator[dict[str, Any]]) -> str:
    """The head as json.dumps(indent=2) writes it, then the clients, one at a time."""
    text = _JSON_INDENTED.encode(head)
    chunks = [_json_client(client) for client in clients]
    body = ('  "clients": [\n' + ",\n".join(chunks) + "\n  ]") if chunks else '  "clients": []'
    return text.removesuffix("\n}") + ",\n" + body + "\n}\n"
