"""The monthly progress report as Markdown, built from plain values. No SQL, no Textual."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from retainer_tui.domain.month import Month
from retainer_tui.domain.reports import ReportState
from retainer_tui.domain.status import MetricStatus, attainment

DASH = "—"


@dataclass(frozen=True, slots=True)
class ReportMetric:
    """One metric of the report: the month's target and actual, last month's actual."""

    key: str
    label: str
    unit: str
    target: int
    actual: int | None
    status: MetricStatus
    expected_by_now: Fraction
    # None when there was no previous month of service or nothing was entered for it.
    previous_actual: int | None = None


@dataclass(frozen=True, slots=True)
class PlannedTarget:
    """A target in force next month, beside this month's (None when it was not tracked)."""

    key: str
    label: str
    unit: str
    target: int
    current_target: int | None


@dataclass(frozen=True, slots=True)
class ReportData:
    """Everything the report says about one client and month."""

    client: str
    company: str
    month: Month
    as_of: date
    tier: str | None
    services: tuple[str, ...]
    metrics: tuple[ReportMetric, ...]
    hours_x100: int | None
    included_hours: int | None
    # None when the retainer does not continue next month.
    planned: tuple[PlannedTarget, ...] | None
    # Metrics tracked this month that stop next month.
    dropped: tuple[str, ...] = ()
    highlights: str = ""
    sent_on: date | None = None
    state: ReportState = ReportState.NOT_DUE
    due_on: date | None = None
    # The client's first month in service: no month before it to compare with.
    first_month: bool = False

    @property
    def month_ended(self) -> bool:
        return self.as_of > self.month.last_day


# ---------------------------------------------------------------- formatting helpers

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def md_escape(text: str) -> str:
    """User text made literal inside Markdown (names, labels, services)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def number(value: int) -> str:
    """12500 → '12,500'."""
    return f"{value:,}"


def unit_for(count: int, unit: str, label: str) -> str:
    """The unit to write after a count: singular for 1 ('1 post'), the label when unitless."""
    word = unit.strip() or label.strip().lower()
    if abs(count) == 1 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _round_half_up(value: Fraction) -> int:
    return int((value * 2 + 1) // 2)


def percent(ratio: Fraction | None, *, below_one: bool | None = None) -> str:
    """A ratio as a whole percentage that never claims more than it means.

    99.8% of a target is not written '100%' (the target was missed), and a little
    above nothing is '<1%', not '0%'. None (nothing to compare) is a dash.
    """
    if ratio is None:
        return DASH
    if below_one is None:
        below_one = ratio < 1
    value = ratio * 100
    rounded = _round_half_up(value)
    if below_one and rounded >= 100:
        tenths = Fraction(int(value * 10), 10)
        return f"{float(tenths):.1f}%"
    if value > 0 and rounded == 0:
        return "<1%"
    return f"{rounded:,}%"


def attained(metric: ReportMetric) -> str:
    """'104%', or '—' when nothing was entered."""
    return percent(attainment(metric.target, metric.actual))


def change(current: int | None, previous: int | None) -> str:
    """Change of the actual from last month: '+60 (+13%)', '-40 (-8%)', 'no change', '—'."""
    if current is None or previous is None:
        return DASH
    delta = current - previous
    if delta == 0:
        return "no change"
    sign = "+" if delta > 0 else "-"
    text = f"{sign}{number(abs(delta))}"
    if previous > 0:
        ratio = Fraction(abs(delta), previous)
        text += f" ({sign}{percent(ratio, below_one=False)})"
    return text


def hours_text(hours_x100: int) -> str:
    """Hundredths of an hour as '12.5' or '20'."""
    value = Decimal(hours_x100) / 100
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text


def _expected(value: Fraction) -> str:
    return number(_round_half_up(value))


def status_line(metric: ReportMetric) -> str:
    """The metric's status in plain words, e.g. 'Met: 520 of 500 followers (104%)'."""
    target, actual = metric.target, metric.actual
    unit_t = unit_for(target, metric.unit, metric.label)
    if actual is None:
        if metric.status is MetricStatus.NO_DATA:
            return f"No result entered yet (target {number(target)} {unit_t})."
        return f"Not entered: no result was recorded (target {number(target)} {unit_t})."
    share = percent(attainment(target, actual))
    of = f"{number(actual)} of {number(target)} {unit_t} ({share})"
    status = metric.status
    if status is MetricStatus.MET:
        extra = actual - target
        tail = f", {number(extra)} above target" if extra > 0 else ""
        return f"Met: {of}{tail}."
    if status is MetricStatus.MISSED:
        short = target - actual
        short_unit = unit_for(short, metric.unit, metric.label)
        figures = f"{number(actual)} of {number(target)} ({share})"
        return f"Missed by {number(short)} {short_unit}: {figures}."
    expected = f"{_expected(metric.expected_by_now)} expected by now"
    if status is MetricStatus.ON_TRACK:
        return f"On track: {of} so far, {expected}."
    if status is MetricStatus.AT_RISK:
        return f"At risk: {of} so far, a little under the {expected}."
    if status is MetricStatus.BEHIND:
        return f"Behind: {of} so far, well under the {expected}."
    return f"{status.label.capitalize()}: {of}."


def overall_line(metrics: tuple[ReportMetric, ...]) -> str:
    """One sentence for the month as a whole."""
    if not metrics:
        return "No goals were set for this month."
    met = sum(1 for m in metrics if m.status is MetricStatus.MET)
    total = len(metrics)
    goals = "goal" if total == 1 else "goals"
    not_entered = sum(1 for m in metrics if m.actual is None)
    text = f"{met} of {total} {goals} met"
    if not_entered:
        text += f"; {not_entered} without a result entered"
    return text + "."


def hours_line(hours_x100: int | None, included_hours: int | None) -> str:
    if hours_x100 is None:
        return "No hours recorded."
    worked = hours_text(hours_x100)
    word = "hour" if hours_x100 == 100 else "hours"
    if not included_hours:
        return f"{worked} {word} worked."
    share = percent(Fraction(hours_x100, included_hours * 100), below_one=False)
    included = f"{number(included_hours)} included"
    if hours_x100 > included_hours * 100:
        over = hours_text(hours_x100 - included_hours * 100)
        return f"{worked} of {included} hours used ({share}): {over} over the retainer."
    return f"{worked} of {included} hours used ({share})."


def _planned_change(item: PlannedTarget) -> str:
    if item.current_target is None:
        return "new"
    if item.target > item.current_target:
        return f"up from {number(item.current_target)}"
    if item.target < item.current_target:
        return f"down from {number(item.current_target)}"
    return "same"


def slug(name: str) -> str:
    """A file-name-safe form of a client name: 'Rossi Bakery & Co.' → 'rossi-bakery-co'."""
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return text[:60].rstrip("-") or "client"


def report_file_name(client: str, month: Month) -> str:
    """'rossi-bakery-2026-10.md'."""
    return f"{slug(client)}-{month}.md"


# ---------------------------------------------------------------- highlights made safe

# The report is sent to a client and opened in whatever renders Markdown, so the free text
# of the highlights keeps its Markdown (lists, emphasis, http links) but nothing that runs
# or fetches: raw HTML is escaped, images become their alt text, other links their text.
# A fence opens only unindented (so never inside a list or quote, which may end and close
# it early), and closes on anything that could close it: when unsure, text is escaped.
_FENCE_OPENS = re.compile(r"(`{3,})[^`]*$|(~{3,})")
_FENCE_CLOSES = re.compile(r" {0,3}(`{3,}|~{3,})")
# What the scan keeps as it is: backslash escapes, code spans (nothing inside is read).
_VERBATIM = re.compile(r"\\[!-/:-@\[-`{-~]|(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)|[\x00\x01]")
_TEXT = r"((?:[^\[\]]|\[[^\[\]]*\])*)"
_DEST = r"(<[^<>\n]*>|(?:[^\s()]|\([^\s()]*\))*)"
_TITLE = r"""(?:\s+(?:"[^"]*"|'[^']*'|\([^()]*\)))?"""
_IMAGE = re.compile(rf"!\[{_TEXT}\]\(\s*{_DEST}{_TITLE}\s*\)")
_LINK = re.compile(rf"\[{_TEXT}\]\(\s*{_DEST}{_TITLE}\s*\)")
_AUTOLINK = re.compile(r"<(https?://[^\s<>]*)>", re.IGNORECASE)
_TASK_BOX = re.compile(r"^(\s*(?:[-*+]|\d{1,9}[.)])\s+)(\[[ xX]\])(?=\s)")
_BACKSLASH_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


class _Kept:
    """Pieces set aside while a line is made safe, as \\x00<n>\\x01 placeholders."""

    def __init__(self) -> None:
        self.pieces: list[str] = []

    def put(self, piece: str) -> str:
        self.pieces.append(piece)
        return f"\x00{len(self.pieces) - 1}\x01"

    def restore(self, text: str) -> str:
        return re.sub("\x00(\\d+)\x01", lambda m: self.pieces[int(m.group(1))], text)


def _web_address(destination: str) -> str | None:
    """The link's address as a Markdown reader decodes it, when it is http(s); else None."""
    import html

    address = destination.strip()
    if address.startswith("<") and address.endswith(">"):
        address = address[1:-1]
    address = html.unescape(_BACKSLASH_ESCAPE.sub(r"\1", address)).strip()
    if not re.match(r"https?://[^\s]", address, re.IGNORECASE):
        return None
    return re.sub(r"[\s()<>\x00-\x1f\x7f]", lambda m: f"%{ord(m.group()):02X}", address)


def _safe_line(line: str) -> str:
    kept = _Kept()
    text = _VERBATIM.sub(lambda m: kept.put(m.group()), line)
    previous = None
    while previous != text:  # nested: a badge image inside a link
        previous = text
        text = _IMAGE.sub(lambda m: m.group(1), text)

        def link(match: re.Match[str]) -> str:
            address = _web_address(kept.restore(match.group(2)))
            if address is None:
                return match.group(1)
            return kept.put("[") + match.group(1) + kept.put(f"]({address})")

        text = _LINK.sub(link, text)
    text = _AUTOLINK.sub(
        lambda m: kept.put(f"<{a}>") if (a := _web_address(m.group(1))) else m.group(), text
    )
    # A task list's box ("- [ ] call back") stays one.
    text = _TASK_BOX.sub(lambda m: m.group(1) + kept.put(m.group(2)), text)
    # What is left of HTML tags and link syntax is shown as text.
    text = re.sub(r"[<\[\]]", lambda m: "\\" + m.group(), text)
    return kept.restore(text)


def safe_markdown(text: str) -> str:
    """User-written Markdown that renders as the user wrote it, minus what could run or
    fetch anything: HTML shows as text, images as their alt text, links other than http(s)
    as their text. Code blocks and code spans are left as they are (nothing in them runs)."""
    out: list[str] = []
    fence: str | None = None
    for line in text.split("\n"):
        if fence is not None:
            out.append(line)
            closing = _FENCE_CLOSES.match(line)
            if closing and closing.group(1)[0] == fence[0] and len(closing.group(1)) >= len(fence):
                fence = None
            continue
        opening = _FENCE_OPENS.match(line)
        if opening:
            fence = opening.group(1) or opening.group(2)
            out.append(line)
            continue
        out.append(_safe_line(line))
    return "\n".join(out)


# ---------------------------------------------------------------- the document


def render_report(data: ReportData) -> str:
    """The report as Markdown, ending with one newline."""
    month = data.month
    previous = month.previous()
    out: list[str] = [f"# {md_escape(data.client)}: progress report, {month.label()}", ""]
    who = md_escape(data.client)
    if data.company and data.company.strip().casefold() != data.client.strip().casefold():
        who += f" ({md_escape(data.company)})"
    out.append(f"**Client:** {who}  ")
    out.append(f"**Month:** {month.label()}  ")
    out.append(f"**Retainer:** {md_escape(data.tier) if data.tier else 'no tier'}")
    if data.services:
        out += ["", "**Services included:** " + ", ".join(md_escape(s) for s in data.services)]
    if not data.month_ended:
        out += ["", f"_The month is still open: figures as of {data.as_of.isoformat()}._"]

    out += ["", "## Results", ""]
    if data.metrics:
        if data.first_month:
            # Nothing to compare with: the column is left out and the reason said once.
            out += [
                "| Metric | Target | Actual | Attained |",
                "|---|---:|---:|---:|",
            ]
        else:
            out += [
                f"| Metric | Target | Actual | Attained | Change from {previous.short_label()} |",
                "|---|---:|---:|---:|---:|",
            ]
        for m in data.metrics:
            actual = DASH if m.actual is None else number(m.actual)
            row = f"| {md_escape(m.label)} | {number(m.target)} | {actual} | {attained(m)} |"
            if not data.first_month:
                row += f" {change(m.actual, m.previous_actual)} |"
            out.append(row)
        if data.first_month:
            out += ["", f"_{month.label()} is the first month of the retainer._"]
        out.append("")
        out.append(overall_line(data.metrics))
        out.append("")
        out += [f"- **{md_escape(m.label)}:** {status_line(m)}" for m in data.metrics]
    else:
        out.append(overall_line(data.metrics))

    out += ["", "## Hours", "", hours_line(data.hours_x100, data.included_hours)]

    out += ["", f"## Planned for {month.next().label()}", ""]
    if data.planned is None:
        out.append(f"The retainer ends with {month.label()}; nothing is planned after it.")
    elif not data.planned and not data.dropped:
        out.append("No targets set yet.")
    else:
        if data.planned:
            out += ["| Metric | Target | Change |", "|---|---:|---|"]
            out += [
                f"| {md_escape(p.label)} | {number(p.target)} | {_planned_change(p)} |"
                for p in data.planned
            ]
        if data.dropped:
            if data.planned:
                out.append("")
            out.append("No longer tracked: " + ", ".join(md_escape(d) for d in data.dropped) + ".")

    highlights = data.highlights.strip()
    if highlights:
        out += ["", "## Highlights", "", safe_markdown(highlights)]
    return "\n".join(out).rstrip() + "\n"
