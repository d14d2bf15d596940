"""`retainer status` for people: one line per client that fits the terminal, then the
totals. Piped (no terminal, no COLUMNS), nothing is cut: a file or grep gets every value."""

from __future__ import annotations

from dataclasses import dataclass

from retainer_tui.domain.money import format_money
from retainer_tui.domain.payments import PaymentState
from retainer_tui.domain.terminal_text import visible
from retainer_tui.services.month_view import ClientMonth, MonthView

GAP = "  "
NAME_MIN, NAME_SOFT = 12, 20
# Dropped in this order until a line fits the width (the name is cut last).
DROP_ORDER = ("tier", "hours", "report", "reports", "status")


@dataclass(frozen=True, slots=True)
class _Column:
    key: str
    title: str


COLUMNS = (
    _Column("client", "Client"),
    _Column("status", "Status"),
    _Column("tier", "Tier"),
    _Column("fee", "Fee"),
    _Column("month", "Month"),
    _Column("hours", "Hours"),
    _Column("report", "Report"),
    _Column("reports", "Reports owed"),
    _Column("payment", "Payment"),
)


def _money(cents: int, currency: str) -> str:
    """Cents shown when the amount has some: $1,250.50, not $1,251."""
    return format_money(cents, currency, cents_shown=cents % 100 != 0)


def _hours(client: ClientMonth) -> str:
    if not client.in_service or (client.hours_x100 is None and not client.included_hours):
        return "-"
    used = "-" if client.hours_x100 is None else f"{client.hours_x100 / 100:g}"
    return f"{used}/{client.included_hours}" if client.included_hours else used


def _payment(client: ClientMonth, view: MonthView) -> str:
    """The month's state, what is still owed of it, and '+N' other months owed."""
    state = client.payment
    if state is PaymentState.NOT_APPLICABLE:
        return "-"
    text = state.replace("_", " ")
    if state in (PaymentState.PARTIAL, PaymentState.LATE) and client.owed_this_month_cents:
        text += f" {_money(client.owed_this_month_cents, view.currency)}"
    elsewhere = sum(1 for month, _cents in client.payments_owed if month != view.month)
    return f"{text} +{elsewhere}" if elsewhere else text


def _cells(client: ClientMonth, view: MonthView) -> dict[str, str]:
    report = client.report.replace("_", " ")
    return {
        "client": ("! " if client.needs_attention else "  ") + visible(client.name),
        "status": str(client.status),
        "tier": visible(client.tier or "-"),
        "fee": visible(_money(client.monthly_fee_cents, view.currency)),
        "month": client.month_status.label,
        "hours": _hours(client),
        "report": "-" if report == "not applicable" else report,
        "reports": ", ".join(str(m) for m in client.reports_owed) or "-",
        "payment": _payment(client, view),
    }


def _fit(rows: list[dict[str, str]], width: int | None) -> tuple[list[_Column], dict[str, int]]:
    columns = list(COLUMNS)
    widths = {c.key: max(len(c.title), *(len(r[c.key]) for r in rows)) for c in columns}
    if width is None:
        return columns, widths

    def total(name: int) -> int:
        others = sum(widths[c.key] for c in columns if c.key != "client")
        return name + others + len(GAP) * (len(columns) - 1)

    # A name cut to NAME_SOFT is better than a column gone; below it, columns go first.
    soft = min(widths["client"], NAME_SOFT)
    for key in DROP_ORDER:
        if total(soft) <= width:
            break
        columns = [c for c in columns if c.key != key]
    over = total(widths["client"]) - width
    if over > 0:
        widths["client"] = max(NAME_MIN, widths["client"] - over)
    return columns, widths


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _joined(parts: list[str], width: int | None) -> list[str]:
    """Parts joined by ' · ' on as few lines as fit the width."""
    lines = [parts[0]]
    for part in parts[1:]:
        if width is not None and len(lines[-1]) + 3 + len(part) > width:
            lines.append(part)
        else:
            lines[-1] += f" · {part}"
    return lines


def status_table(view: MonthView, width: int | None = None) -> str:
    """The table, cut to width columns (None: nothing cut), then the month's totals."""
    rows = [_cells(c, view) for c in view.clients]
    columns, widths = _fit(rows, width)
    lines = [
        f"{view.month.label()} as of {view.as_of.isoformat()}",
        "",
        GAP.join(c.title.ljust(widths[c.key]) for c in columns).rstrip(),
        GAP.join("-" * widths[c.key] for c in columns),
    ]
    lines += [
        GAP.join(_cut(r[c.key], widths[c.key]).ljust(widths[c.key]) for c in columns).rstrip()
        for r in rows
    ]
    counts = view.counts
    income = (
        "Guaranteed monthly income: "
        f"{format_money(view.guaranteed_monthly_income_cents, view.currency)} "
        f"({format_money(view.annual_run_rate_cents, view.currency, cents_shown=False)} a year)"
    )
    facts = [
        f"Clients: {counts['clients']} ({counts['active']} active)",
        f"needing attention: {counts['needs_attention']}",
        f"reports due: {counts['reports_due']}",
        f"overdue: {counts['reports_overdue']}",
        f"late payments: {counts['payments_late']}",
        f"clients owing: {counts['payments_owed']} "
        f"({format_money(view.total_owed_cents, view.currency, cents_shown=False)})",
    ]
    lines += ["", visible(income), *_joined(facts, width)]
    if not rows:
        lines[2:4] = ["No clients yet. Run `retainer` to add some, or `retainer demo`."]
    return "\n".join(lines)
