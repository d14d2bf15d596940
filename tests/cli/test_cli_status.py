"""`retainer status`: the JSON object exactly as the contract states, and the table."""

from __future__ import annotations

import json

import pytest

from retainer_tui.cli import main
from tests.factories import add_client, mark_paid, mark_sent, set_goal, set_result
from tests.raw import db_arg

pytestmark = pytest.mark.both_engines


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def status_json(capsys, target: str, *extra: str) -> dict:
    code, out, err = run(capsys, "status", "--json", "--db", target, *extra)
    assert (code, err) == (0, "")
    return json.loads(out)


def test_article_example_guaranteed_income(db, capsys) -> None:
    """Three clients paying $2,000, $3,000 and $5,000 on the 1st: $10,000 guaranteed."""
    add_client(db, "Rossi Bakery", tier="Tier 1", fee_cents=2_000_00)
    add_client(db, "Bianchi Gym", tier="Tier 1")
    add_client(db, "Verdi Studio", tier="Tier 2")
    add_client(db, "Prospect Co", tier="Tier 3", status="prospect", start=None)
    data = status_json(capsys, db_arg(db), "--as-of", "2026-11-20")
    assert data["guaranteed_monthly_income"] == "10000.00"
    assert data["counts"]["active"] == 3
    assert data["counts"]["clients"] == 4
    fees = {c["name"]: c["monthly_fee"] for c in data["clients"]}
    assert fees == {
        "Bianchi Gym": "3000.00",
        "Prospect Co": "10000.00",
        "Rossi Bakery": "2000.00",
        "Verdi Studio": "5000.00",
    }


def test_json_keys_and_hand_computed_statuses(db, capsys) -> None:
    rossi = add_client(db, "Rossi Bakery", fee_cents=2_000_00, report_due_day=5)
    set_goal(db, rossi, "new_followers", "2026-01", 300)
    set_goal(db, rossi, "posts_shared", "2026-01", 30)
    set_goal(db, rossi, "new_followers", "2026-11", 600)  # raised from November on
    # As of 2026-11-20, f = 20/30: expected 400 followers and 20 posts.
    set_result(db, rossi, "new_followers", "2026-11", 330)  # >= 400*0.8=320: at_risk
    set_result(db, rossi, "posts_shared", "2026-11", 20)  # == 20: on_track
    set_result(db, rossi, "new_followers", "2026-10", 300)  # October target still 300: met
    mark_paid(db, rossi, "2026-11", 2_000_00, "2026-11-02")
    for month in (
        "2026-01",
        "2026-02",
        "2026-03",
        "2026-04",
        "2026-05",
        "2026-06",
        "2026-07",
        "2026-08",
    ):
        mark_sent(db, rossi, month, "2026-09-01")
    # September and October unsent: September overdue, October overdue (due 2026-11-05).
    data = status_json(capsys, db_arg(db), "--as-of", "2026-11-20", "--month", "2026-11")
    assert list(data) == [
        "month",
        "as_of",
        "currency",
        "guaranteed_monthly_income",
        "counts",
        "total_owed",
        "clients",
    ]
    assert (data["month"], data["as_of"], data["currency"]) == ("2026-11", "2026-11-20", "USD")
    assert list(data["counts"]) == [
        "clients",
        "active",
        "needs_attention",
        "reports_due",
        "reports_overdue",
        "payments_late",
        "payments_owed",
    ]
    (client,) = data["clients"]
    assert list(client) == [
        "name",
        "status",
        "tier",
        "monthly_fee",
        "month_status",
        "needs_attention",
        "report",
        "reports_owed",
        "payment",
        "payments_owed",
        "tracked_from",
        "metrics",
    ]
    assert client["month_status"] == "at_risk"
    assert client["needs_attention"] is False
    assert client["report"] == "not_due"
    assert client["reports_owed"] == ["2026-09", "2026-10"]
    assert client["payment"] == "received"
    # Only November was paid: January to October are owed, the whole fee each.
    owed = [{"month": f"2026-{m:02d}", "owed": "2000.00"} for m in range(1, 11)]
    assert client["payments_owed"] == owed
    assert data["total_owed"] == "20000.00"
    assert data["counts"]["payments_owed"] == 1
    assert client["tracked_from"] == "2026-01"  # none set: the start month
    assert client["metrics"] == [
        {
            "metric": "new_followers",
            "target": 600,
            "actual": 330,
            "expected_by_now": 400,
            "status": "at_risk",
        },
        {
            "metric": "posts_shared",
            "target": 30,
            "actual": 20,
            "expected_by_now": 20,
            "status": "on_track",
        },
    ]
    assert data["counts"]["reports_overdue"] == 1
    assert data["counts"]["reports_due"] == 0

    october = status_json(capsys, db_arg(db), "--as-of", "2026-11-20", "--month", "2026-10")
    (client,) = october["clients"]
    # October: followers met (300 of 300), posts not entered: missing -> needs attention.
    assert [(m["metric"], m["target"], m["actual"], m["status"]) for m in client["metrics"]] == [
        ("new_followers", 300, 300, "met"),
        ("posts_shared", 30, None, "missing"),
    ]
    assert client["month_status"] == "missing"
    assert client["needs_attention"] is True
    assert client["report"] == "overdue"
    assert client["payment"] == "late"
    assert october["counts"]["payments_late"] == 1
    assert october["counts"]["needs_attention"] == 1


def test_report_due_between_month_end_and_due_day(db, capsys) -> None:
    late = add_client(db, "Late Reporter", start="2026-10", report_due_day=25)
    set_goal(db, late, "conversions", "2026-10", 10)
    data = status_json(capsys, db_arg(db), "--as-of", "2026-11-20", "--month", "2026-10")
    (client,) = data["clients"]
    assert client["report"] == "due"
    assert client["reports_owed"] == ["2026-10"]
    assert data["counts"]["reports_due"] == 1
    assert data["counts"]["reports_overdue"] == 0


def test_expected_by_now_is_fractional_when_needed(db, capsys) -> None:
    cid = add_client(db, "Odd Numbers", start="2026-11")
    set_goal(db, cid, "blog_posts", "2026-11", 7)
    data = status_json(capsys, db_arg(db), "--as-of", "2026-11-20")
    metric = data["clients"][0]["metrics"][0]
    assert metric["expected_by_now"] == pytest.approx(4.67)
    assert metric["actual"] is None
    assert metric["status"] == "no_data"


def test_inactive_clients_have_no_month_figures(db, capsys) -> None:
    cid = add_client(db, "Old Client", status="ended", start="2025-01", end="2026-06")
    set_goal(db, cid, "new_followers", "2025-01", 100)
    data = status_json(capsys, db_arg(db), "--as-of", "2026-11-20")
    (client,) = data["clients"]
    assert client["month_status"] == "no_goals"
    assert client["report"] == "not_applicable"
    assert client["payment"] == "not_applicable"
    assert client["metrics"] == []
    assert data["guaranteed_monthly_income"] == "0.00"


def test_table_output_names_clients_and_totals(db, capsys) -> None:
    add_client(db, "Rossi Bakery", fee_cents=2_000_00)
    code, out, _ = run(capsys, "status", "--db", db_arg(db), "--as-of", "2026-11-20")
    assert code == 0
    assert "Rossi Bakery" in out
    assert "Guaranteed monthly income: $2,000.00 ($24,000 a year)" in out


def test_env_var_names_the_database(db, capsys, monkeypatch) -> None:
    add_client(db, "From Env")
    monkeypatch.setenv("RETAINER_DB", db_arg(db))
    code, out, _ = run(capsys, "status", "--json", "--as-of", "2026-11-20")
    assert code == 0
    assert json.loads(out)["clients"][0]["name"] == "From Env"


def test_db_flag_works_before_the_command_too(db, capsys) -> None:
    add_client(db, "Flag First")
    code, out, _ = run(capsys, "--db", db_arg(db), "--as-of", "2026-11-20", "status", "--json")
    assert code == 0
    assert json.loads(out)["as_of"] == "2026-11-20"


def test_partial_payments_and_arrears_across_months(db, capsys) -> None:
    """A known database: every figure of the money side worked out by hand."""
    # Rossi: $2,000 from September, billed on the 1st (late after the 8th).
    rossi = add_client(db, "Rossi Bakery", fee_cents=2_000_00, start="2026-09")
    mark_paid(db, rossi, "2026-09", 2_000_00, "2026-09-01")  # received in full
    mark_paid(db, rossi, "2026-10", 1_500_00, "2026-10-03")  # $500 short
    # November: nothing.
    mark_paid(db, rossi, "2026-12", 1_999_99, "2026-12-02")  # one cent short, within grace
    # Verdi: $3,200 on the 15th (late after the 22nd), overpaid once, a cent short once.
    verdi = add_client(db, "Verdi Studio", fee_cents=3_200_00, start="2026-10", billing_day=15)
    mark_paid(db, verdi, "2026-10", 3_000_00, "2026-10-15")  # the issue's $3,000 of $3,200
    mark_paid(db, verdi, "2026-11", 3_300_00, "2026-11-15")  # overpaid: owes nothing
    # Paid up, a trial and a prospect: they owe nothing.
    paid = add_client(db, "Paid Up", fee_cents=1_000_00, start="2026-11")
    mark_paid(db, paid, "2026-11", 1_000_00, "2026-11-01")
    mark_paid(db, paid, "2026-12", 1_000_00, "2026-12-01")
    add_client(db, "Trial Co", fee_cents=1_500_00, status="trial", start="2026-10")
    add_client(db, "Prospect Co", status="prospect", start=None)

    data = status_json(capsys, db_arg(db), "--as-of", "2026-12-05", "--month", "2026-12")
    clients = {c["name"]: c for c in data["clients"]}
    assert {n: c["payment"] for n, c in clients.items()} == {
        "Paid Up": "received",
        "Prospect Co": "not_applicable",
        "Rossi Bakery": "partial",
        "Trial Co": "not_applicable",
        "Verdi Studio": "expected",  # billed on the 15th
    }
    # December is Rossi's current month (within its grace): partial, but not yet owed.
    assert clients["Rossi Bakery"]["payments_owed"] == [
        {"month": "2026-10", "owed": "500.00"},
        {"month": "2026-11", "owed": "2000.00"},
    ]
    # Verdi's December is not due until the 15th; November's overpayment is no credit.
    assert clients["Verdi Studio"]["payments_owed"] == [{"month": "2026-10", "owed": "200.00"}]
    for name in ("Paid Up", "Trial Co", "Prospect Co"):
        assert clients[name]["payments_owed"] == []
    assert data["total_owed"] == "2700.00"
    assert data["counts"]["payments_owed"] == 2
    assert data["counts"]["payments_late"] == 0  # December: nobody has paid nothing past grace

    # Past the grace of December: Rossi's cent and Verdi's whole December are owed too.
    later = status_json(capsys, db_arg(db), "--as-of", "2026-12-23", "--month", "2026-12")
    owed = {c["name"]: c["payments_owed"] for c in later["clients"] if c["payments_owed"]}
    assert owed == {
        "Rossi Bakery": [
            {"month": "2026-10", "owed": "500.00"},
            {"month": "2026-11", "owed": "2000.00"},
            {"month": "2026-12", "owed": "0.01"},
        ],
        "Verdi Studio": [
            {"month": "2026-10", "owed": "200.00"},
            {"month": "2026-12", "owed": "3200.00"},
        ],
    }
    assert later["total_owed"] == "5900.01"
    assert later["counts"]["payments_late"] == 1  # Verdi's December

    # Looking back at November: its own state, the same arrears (as of the date).
    november = status_json(capsys, db_arg(db), "--as-of", "2026-12-05", "--month", "2026-11")
    states = {c["name"]: c["payment"] for c in november["clients"]}
    assert (states["Rossi Bakery"], states["Verdi Studio"]) == ("late", "received")
    assert november["total_owed"] == "2700.00"
    assert november["counts"]["payments_late"] == 1


def test_who_counts_in_a_month(db, capsys) -> None:
    """Income and `active` count the clients on retainer in that month, nobody else."""
    add_client(db, "Since January", fee_cents=2_000_00, start="2026-01")
    add_client(db, "From September", fee_cents=3_000_00, start="2026-09")
    add_client(db, "From January", fee_cents=10_000_00, start="2027-01")  # retained ahead
    add_client(db, "Ended June", fee_cents=5_000_00, status="ended", start="2026-01", end="2026-06")
    add_client(db, "On Trial", fee_cents=1_500_00, status="trial", start="2026-08")
    add_client(db, "Paused", fee_cents=4_000_00, status="paused", start="2026-01")

    def figures(month: str) -> tuple[str, int]:
        data = status_json(capsys, db_arg(db), "--as-of", "2026-12-10", "--month", month)
        return data["guaranteed_monthly_income"], data["counts"]["active"]

    assert figures("2026-05") == ("7000.00", 2)
    assert figures("2026-08") == ("2000.00", 1)
    assert figures("2026-12") == ("5000.00", 2)
    assert figures("2027-01") == ("15000.00", 3)


def _table(target: str, capsys, monkeypatch, columns: str | None) -> list[str]:
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    code, out, err = run(capsys, "status", "--db", target, "--as-of", "2026-11-20")
    assert (code, err) == (0, "")
    return out.splitlines()


def test_the_table_fits_the_terminal_and_shows_cents_hours_and_owed(
    db, capsys, monkeypatch
) -> None:
    long = add_client(
        db, "Studio Bianchi Architetti Associati di Firenze", fee_cents=1_250_50, start="2026-09"
    )
    mark_paid(db, long, "2026-11", 1_000_00, "2026-11-02")  # $250.50 short; Sep, Oct unpaid
    add_client(db, "Rossi Bakery", fee_cents=2_000_00, start="2026-11")
    wide = _table(db_arg(db), capsys, monkeypatch, "200")
    header = wide[2]
    for title in ("Client", "Tier", "Fee", "Month", "Hours", "Report", "Reports owed", "Payment"):
        assert title in header
    row = next(line for line in wide if "Associati di Firenze" in line)
    assert "$1,250.50" in row and "partial $250.50 +2" in row and "/20" in row
    for columns in ("80", "60"):
        narrow = _table(db_arg(db), capsys, monkeypatch, columns)
        table = narrow[: narrow.index("", 2)]
        assert all(len(line) <= int(columns) for line in table), columns
        row = next(line for line in narrow if line.startswith("  Studio Bianchi"))
        assert "…" in row and "partial $250.50 +2" in row
    piped = _table(db_arg(db), capsys, monkeypatch, None)  # captured: not a terminal
    assert piped == wide  # nothing cut when no width is asked for


def test_tracked_from_a_later_month_owes_nothing_before_it(db, capsys) -> None:
    """A January client entered in December, tracked from December: no report and no
    payment owed for January to November; `tracked_from` says the month set."""
    rossi = add_client(db, "Rossi Bakery", fee_cents=2_000_00, tracked_from="2026-11")
    add_client(db, "Bianchi Gym", fee_cents=1_000_00)  # untracked: owes from January
    no_start = add_client(db, "Verdi", status="prospect", start=None)
    assert no_start
    data = status_json(capsys, db_arg(db), "--as-of", "2026-12-20", "--month", "2026-10")
    clients = {c["name"]: c for c in data["clients"]}
    rossi_json, bianchi = clients["Rossi Bakery"], clients["Bianchi Gym"]
    assert rossi_json["tracked_from"] == "2026-11"
    assert bianchi["tracked_from"] == "2026-01"
    assert clients["Verdi"]["tracked_from"] is None
    # October lies before the tracked-from month: nothing is owed for it.
    assert (rossi_json["report"], rossi_json["payment"]) == ("not_applicable", "not_applicable")
    assert (bianchi["report"], bianchi["payment"]) == ("overdue", "late")
    assert rossi_json["reports_owed"] == ["2026-11"]
    assert rossi_json["payments_owed"] == [
        {"month": "2026-11", "owed": "2000.00"},
        {"month": "2026-12", "owed": "2000.00"},
    ]
    assert len(bianchi["reports_owed"]) == 11
    assert len(bianchi["payments_owed"]) == 12
    assert data["total_owed"] == "16000.00"
    mark_paid(db, rossi, "2026-11", 2_000_00, "2026-11-02")
    mark_paid(db, rossi, "2026-12", 2_000_00, "2026-12-02")
    mark_sent(db, rossi, "2026-11", "2026-12-03")
    data = status_json(capsys, db_arg(db), "--as-of", "2026-12-20", "--month", "2026-12")
    rossi_json = next(c for c in data["clients"] if c["name"] == "Rossi Bakery")
    assert (rossi_json["reports_owed"], rossi_json["payments_owed"]) == ([], [])
    assert rossi_json["payment"] == "received"
    assert data["counts"]["payments_owed"] == 1  # Bianchi only
