"""Client write services: validation at each field, save, archive, delete, undo."""

from __future__ import annotations

from datetime import date

import pytest

from retainer_tui.db.engine import Database
from retainer_tui.domain.clients import ClientStatus
from retainer_tui.domain.month import Month
from retainer_tui.services import entries
from retainer_tui.services.client_read import find_client, get_client
from retainer_tui.services.clients import (
    ClientDraft,
    archive_client,
    client_data,
    delete_client,
    save_client,
    validate_client,
)
from retainer_tui.services.errors import FormInvalid, NotFound
from retainer_tui.services.undo import UndoStack, undo_last
from tests.raw import dump, raw, raw_connect

pytestmark = pytest.mark.both_engines


def full_draft(**changes: str) -> ClientDraft:
    base = ClientDraft(
        name="Rossi Bakery",
        company="Rossi s.r.l.",
        decision_maker="Maria Rossi",
        email="maria@rossi.example",
        phone="+39 055 123",
        service_type="social media",
        tier="Tier 1",
        fee_override="2,000",
        billing_day="3",
        report_due_day="7",
        start_month="2026-01",
        end_month="",
        status="active",
        notes="Likes video.\nCall on Mondays.",
    )
    return ClientDraft(**{**{f: getattr(base, f) for f in base.__slots__}, **changes})


@pytest.fixture
def rossi(db: Database) -> int:
    return save_client(db, draft=full_draft()).id


def test_new_client_saves_every_field(db: Database) -> None:
    saved = save_client(db, draft=full_draft())
    assert saved.created
    rec = get_client(db, client_id=saved.id)
    assert rec is not None
    assert rec.name == "Rossi Bakery"
    assert rec.company == "Rossi s.r.l."
    assert rec.decision_maker == "Maria Rossi"
    assert rec.email == "maria@rossi.example"
    assert rec.phone == "+39 055 123"
    assert rec.service_type == "social media"
    assert rec.tier == "Tier 1"
    assert rec.fee_override_cents == 200_000
    assert rec.monthly_fee_cents == 200_000
    assert rec.billing_day == 3
    assert rec.report_due_day == 7
    assert rec.start_month == Month(2026, 1)
    assert rec.end_month is None
    assert rec.status is ClientStatus.ACTIVE
    assert rec.notes == "Likes video.\nCall on Mondays."


def test_draft_round_trips_through_the_record(db: Database, rossi: int) -> None:
    rec = get_client(db, client_id=rossi)
    assert rec is not None
    draft = rec.draft()
    assert draft.fee_override == "2000.00"
    assert draft.billing_day == "3"
    assert draft.start_month == "2026-01"
    before = dump(db)
    save_client(db, draft=draft, client_id=rossi)
    assert dump(db) == before


def test_tier_fee_applies_without_override(db: Database) -> None:
    saved = save_client(db, draft=full_draft(fee_override="", tier="tier 2"))
    rec = get_client(db, client_id=saved.id)
    assert rec is not None
    assert rec.tier == "Tier 2"
    assert rec.fee_override_cents is None
    assert rec.monthly_fee_cents == 500_000


def test_minimal_client_gets_defaults(db: Database) -> None:
    saved = save_client(db, draft=ClientDraft(name="  Solo  "))
    rec = get_client(db, client_id=saved.id)
    assert rec is not None
    assert rec.name == "Solo"
    assert rec.tier is None
    assert rec.monthly_fee_cents == 0
    assert (rec.billing_day, rec.report_due_day) == (1, 5)
    assert rec.status is ClientStatus.ACTIVE


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("name", "", "name is required"),
        ("name", "   ", "name is required"),
        ("name", "x" * 201, "too long"),
        ("name", "Tab\there", "control characters"),
        ("tier", "Tier 9", "no tier named 'Tier 9'"),
        ("fee_override", "-5", "cannot be negative"),
        ("fee_override", "abc", "not an amount"),
        ("fee_override", "1,000,000,000,000", "too large"),
        ("fee_override", "10.005", "two decimals"),
        ("billing_day", "0", "between 1 and 28"),
        ("billing_day", "29", "between 1 and 28"),
        ("billing_day", "-1", "cannot be negative"),
        ("billing_day", "1.5", "whole number"),
        ("billing_day", "x", "must be a number"),
        ("billing_day", "", "required"),
        ("report_due_day", "31", "between 1 and 28"),
        ("start_month", "2026-13", "YYYY-MM"),
        ("start_month", "Nov 2026", "YYYY-MM"),
        ("end_month", "2025-12", "before the start month"),
        ("tracked_from", "2025-12", "before the start month (2026-01)"),
        ("tracked_from", "Dec", "YYYY-MM"),
        ("status", "happy", "must be one of"),
        ("service_type", "juggling", "must be one of"),
        ("email", "not-an-email", "name@example.com"),
        ("notes", "bell\x07", "control characters"),
    ],
)
def test_bad_input_is_refused_at_its_field(
    db: Database, field: str, typed: str, message: str
) -> None:
    draft = full_draft(**{field: typed})
    errors = validate_client(db, draft)
    assert list(errors) == [field]
    assert message in errors[field]
    before = dump(db)
    with pytest.raises(FormInvalid) as info:
        save_client(db, draft=draft)
    assert info.value.errors == errors
    assert dump(db) == before


def test_duplicate_names_ignore_case(db: Database, rossi: int) -> None:
    errors = validate_client(db, full_draft(name="ROSSI bakery"))
    assert errors == {"name": "a client named 'ROSSI bakery' already exists"}
    # Saving the client under its own name (any case) is fine.
    assert validate_client(db, full_draft(name="rossi BAKERY"), client_id=rossi) == {}


def test_duplicate_names_ignore_unicode_case(db: Database) -> None:
    save_client(db, draft=ClientDraft(name="Écoles Ünis"))
    errors = validate_client(db, ClientDraft(name="écoles üNIS"))
    assert "already exists" in errors["name"]


def test_ended_client_needs_an_end_month(db: Database) -> None:
    errors = validate_client(db, full_draft(status="ended"))
    assert "last month of service" in errors["end_month"]
    assert validate_client(db, full_draft(status="ended", end_month="2026-10")) == {}


def test_several_errors_at_once(db: Database) -> None:
    errors = validate_client(
        db, ClientDraft(name="", tier="Nope", billing_day="99", start_month="x")
    )
    assert set(errors) == {"name", "tier", "billing_day", "start_month"}


def test_edit_keeps_pipeline_fields(db: Database) -> None:
    saved = save_client(
        db,
        draft=ClientDraft(
            name="Prospect", status="prospect", stage="proposal", next_action_on="2026-12-01"
        ),
    )
    rec = get_client(db, client_id=saved.id)
    assert rec is not None
    save_client(db, draft=rec.draft(), client_id=saved.id)
    again = get_client(db, client_id=saved.id)
    assert again is not None
    assert again.stage == "proposal"
    assert again.next_action_on == date(2026, 12, 1)


def test_dates_and_months_are_stored_as_text_and_read_from_either_unit_of_work(
    db: Database,
) -> None:
    from retainer_tui.services.client_read import read_client

    saved = save_client(
        db,
        draft=ClientDraft(
            name="Prospect", status="prospect", start_month="2026-11", next_action_on="2026-12-01"
        ),
    )
    conn = raw_connect(db)
    try:
        stored = conn.execute(
            "SELECT start_month, next_action_on FROM client WHERE id = ?", (saved.id,)
        ).fetchone()
    finally:
        conn.close()
    assert stored is not None and tuple(map(str, stored)) == ("2026-11", "2026-12-01")
    with raw(db) as conn:
        from_raw = read_client(conn, saved.id)
    with db.reading() as session:
        from_session = read_client(session, saved.id)
    assert from_raw == from_session == get_client(db, client_id=saved.id)
    assert from_raw is not None and from_raw.next_action_on == date(2026, 12, 1)
    assert from_raw.start_month == Month.stored("2026-11")


def test_editing_a_missing_client(db: Database) -> None:
    with pytest.raises(NotFound):
        save_client(db, draft=ClientDraft(name="Ghost"), client_id=999)


def test_find_client_by_name(db: Database, rossi: int) -> None:
    found = find_client(db, name="rossi bakery")
    assert found is not None and found.id == rossi
    assert find_client(db, name="Nobody") is None


def test_archive_sets_ended_and_end_month(db: Database, rossi: int) -> None:
    stack = UndoStack()
    archive_client(db, client_id=rossi, today=date(2026, 11, 20), undo=stack)
    rec = get_client(db, client_id=rossi)
    assert rec is not None
    assert rec.status is ClientStatus.ENDED
    assert rec.end_month == Month(2026, 11)
    undo_last(db, stack=stack)
    rec = get_client(db, client_id=rossi)
    assert rec is not None and rec.status is ClientStatus.ACTIVE and rec.end_month is None


def test_archive_keeps_a_set_end_month(db: Database) -> None:
    saved = save_client(db, draft=full_draft(end_month="2026-06"))
    archive_client(db, client_id=saved.id, today=date(2026, 11, 20))
    rec = get_client(db, client_id=saved.id)
    assert rec is not None and rec.end_month == Month(2026, 6)


def test_archive_future_starter_ends_at_its_start(db: Database) -> None:
    saved = save_client(db, draft=full_draft(start_month="2027-02"))
    archive_client(db, client_id=saved.id, today=date(2026, 11, 20))
    rec = get_client(db, client_id=saved.id)
    assert rec is not None and rec.end_month == Month(2027, 2)


def _fill(db: Database, client_id: int) -> None:
    entries.set_goal(db, client_id=client_id, metric="new_followers", month="2026-01", target="500")
    entries.set_goal(db, client_id=client_id, metric="conversions", month="2026-01", target=10)
    entries.set_result(
        db, client_id=client_id, metric="new_followers", month="2026-10", actual="480"
    )
    entries.set_hours(db, client_id=client_id, month="2026-10", hours="12.5")
    entries.mark_payment(db, client_id=client_id, month="2026-10", today=date(2026, 10, 2))
    entries.mark_report_sent(db, client_id=client_id, month="2026-09", today=date(2026, 10, 3))


def test_delete_says_what_goes_and_undo_brings_it_all_back(db: Database, rossi: int) -> None:
    _fill(db, rossi)
    data = client_data(db, client_id=rossi)
    assert (data.goals, data.results, data.hours, data.payments, data.reports) == (2, 1, 1, 1, 1)
    assert data.describe() == ("2 targets, 1 result, 1 month of hours, 1 payment, 1 report")
    before = dump(db)
    stack = UndoStack()
    deleted = delete_client(db, client_id=rossi, confirm_name=" rossi bakery ", undo=stack)
    assert deleted.data == data
    assert get_client(db, client_id=rossi) is None
    for table in ("goal", "result", "hours", "payment", "report"):
        conn = raw_connect(db)
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
        conn.close()
    undo_last(db, stack=stack)
    assert dump(db) == before


def test_delete_needs_the_name_typed(db: Database, rossi: int) -> None:
    before = dump(db)
    with pytest.raises(FormInvalid) as info:
        delete_client(db, client_id=rossi, confirm_name="Rossi")
    assert "Rossi Bakery" in info.value.errors["confirm"]
    assert dump(db) == before


def test_describe_with_no_data(db: Database, rossi: int) -> None:
    assert client_data(db, client_id=rossi).describe() == "no goals, results or payments"


def test_undo_new_and_edit(db: Database) -> None:
    stack = UndoStack()
    empty = dump(db)
    saved = save_client(db, draft=full_draft(), undo=stack)
    after_new = dump(db)
    save_client(db, draft=full_draft(name="Rossi & Figli", billing_day="9"), client_id=saved.id,
                undo=stack)  # fmt: skip
    assert stack.labels == ("changes to Rossi & Figli", "new client Rossi Bakery")
    undo_last(db, stack=stack)
    assert dump(db) == after_new
    undo_last(db, stack=stack)
    assert dump(db) == empty
    assert undo_last(db, stack=stack) is None


def test_saving_unchanged_records_nothing(db: Database, rossi: int) -> None:
    stack = UndoStack()
    rec = get_client(db, client_id=rossi)
    assert rec is not None
    result = save_client(db, draft=rec.draft(), client_id=rossi, undo=stack)
    assert not result.change
    assert len(stack) == 0


def test_tracked_from_is_saved_and_blank_or_the_start_month_means_unset(db: Database) -> None:
    saved = save_client(db, draft=full_draft(tracked_from="2026-12"))
    rec = get_client(db, client_id=saved.id)
    assert rec is not None
    assert rec.tracked_from == Month(2026, 12)
    assert rec.draft().tracked_from == "2026-12"
    undo = UndoStack()
    save_client(db, draft=full_draft(tracked_from="2026-01"), client_id=saved.id, undo=undo)
    rec = get_client(db, client_id=saved.id)
    assert rec is not None and rec.tracked_from is None  # the start month: stored as unset
    undo_last(db, stack=undo)
    rec = get_client(db, client_id=saved.id)
    assert rec is not None and rec.tracked_from == Month(2026, 12)
    other = save_client(db, draft=full_draft(name="Bianchi", tracked_from=""))
    rec = get_client(db, client_id=other.id)
    assert rec is not None and rec.tracked_from is None
