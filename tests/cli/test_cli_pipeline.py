"""`retainer pipeline [--json]`: figures by stage, trial conversion, income if all sign."""

from __future__ import annotations

import json
from datetime import date

import pytest

from retainer_tui.cli import main
from retainer_tui.services import pipeline as pl
from tests.factories import add_client
from tests.raw import db_arg, raw

pytestmark = pytest.mark.both_engines

TODAY = date(2026, 11, 20)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _tier(db, name: str) -> int:
    with raw(db) as conn:
        return conn.execute("SELECT id FROM tier WHERE name = ?", (name,)).fetchone()[0]


def _pipeline(db) -> dict[str, int]:
    """Two clients paying $3,000 and $2,000; four prospects at different stages."""
    add_client(db, "Bianchi Gym", tier="Tier 1")
    add_client(db, "Rossi Bakery", tier="Tier 1", fee_cents=200_000)
    ids = {}
    for name in ("Verdi Studio", "Neri Shop", "Blu Cafe", "Gialli Srl"):
        ids[name] = pl.save_prospect(db, draft=pl.ProspectDraft(name=name), today=TODAY).client_id
    # Verdi: proposal sent recommending Tier 3 ($10,000), follow-up overdue.
    for _ in range(2):
        pl.move_prospect(db, client_id=ids["Verdi Studio"], step=1, today=date(2026, 11, 10))
    # Neri: chose Tier 2 ($5,000), then a paid trial retained from December.
    pl.choose_tier(db, client_id=ids["Neri Shop"], tier_id=_tier(db, "Tier 2"), today=TODAY)
    pl.save_trial(
        db,
        client_id=ids["Neri Shop"],
        draft=pl.TrialDraft(fee="800", start="2026-10-15", end="2026-11-14"),
        today=TODAY,
    )
    pl.move_prospect(db, client_id=ids["Neri Shop"], step=1, today=TODAY)
    # Blu: a paid trial that failed.
    pl.save_trial(
        db,
        client_id=ids["Blu Cafe"],
        draft=pl.TrialDraft(fee="500", start="2026-10-01", end="2026-10-31"),
        today=TODAY,
    )
    pl.mark_lost(db, client_id=ids["Blu Cafe"], reason="No budget after the trial", today=TODAY)
    return ids


def test_json_figures_by_hand(db, capsys) -> None:
    _pipeline(db)
    code, out, err = run(capsys, "pipeline", "--json", "--db", db_arg(db), "--as-of", "2026-11-20")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert (data["as_of"], data["currency"]) == ("2026-11-20", "USD")
    stages = {s["stage"]: (s["count"], s["value"]) for s in data["stages"]}
    assert stages == {
        "call scheduled": (1, "0.00"),
        "needs discovered": (0, "0.00"),
        "proposal sent": (1, "10000.00"),
        "tier chosen": (0, "0.00"),
        "contract sent": (0, "0.00"),
        "paid trial": (0, "0.00"),
        "retained": (1, "5000.00"),
        "lost": (1, "0.00"),
    }
    assert data["trials"] == {"retained": 1, "lost": 1, "conversion_rate": 0.5}
    # 3,000 + 2,000 in November: Neri is retained from December, so counts from then.
    assert data["guaranteed_monthly_income"] == "5000.00"
    assert data["open_proposals"] == {"count": 1, "value": "10000.00"}
    assert data["guaranteed_if_all_sign"] == "15000.00"
    names = [p["name"] for p in data["prospects"]]
    assert names == ["Gialli Srl", "Verdi Studio", "Neri Shop", "Blu Cafe"]
    verdi = data["prospects"][1]
    assert verdi["overdue"] is True
    assert (verdi["tier"], verdi["monthly_fee"], verdi["next_action_on"]) == (
        "Tier 3",
        "10000.00",
        "2026-11-13",
    )
    blu = data["prospects"][3]
    assert blu["lost_reason"] == "No budget after the trial"
    assert blu["trial"] == {
        "fee": "500.00",
        "start": "2026-10-01",
        "end": "2026-10-31",
        "criteria": "",
        "outcome": "lost",
    }


def test_table(db, capsys) -> None:
    _pipeline(db)
    code, out, err = run(capsys, "pipeline", "--db", db_arg(db), "--as-of", "2026-11-20")
    assert (code, err) == (0, "")
    assert "Proposal sent              1      $10,000" in out
    assert "Trial → retainer: 1 of 2 trials retained (50%)" in out
    assert "Guaranteed monthly income: $5,000; $15,000 if every open proposal signs" in out
    assert "OVERDUE 2026-11-13  Follow up: which tier do they choose?" in out
    assert "lost: No budget after the trial" in out


def test_empty_pipeline_and_missing_database(db, tmp_path, capsys) -> None:
    code, out, _ = run(capsys, "pipeline", "--db", db_arg(db))
    assert code == 0 and "No prospects yet" in out
    code, out, err = run(capsys, "pipeline", "--db", str(tmp_path / "none.db"))
    assert code == 2 and out == ""
    assert err.startswith("retainer: ") and err.count("\n") == 1
