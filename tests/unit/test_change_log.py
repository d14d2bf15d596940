"""Every change signed: who, when, what (field by field), in the action's transaction;
`retainer log`; undo refusing, by name, a record someone else changed since."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from retainer_tui.cli import main
from retainer_tui.db.base import Database
from retainer_tui.services import entries as e
from retainer_tui.services.change_log import read_log
from retainer_tui.services.clients import ClientDraft, delete_client, save_client
from retainer_tui.services.errors import FormInvalid, UndoConflict
from retainer_tui.services.export import export_text
from retainer_tui.services.undo import UndoStack, undo_last
from tests.raw import raw

pytestmark = pytest.mark.both_engines

TODAY = date(2026, 11, 20)


def _arg(db: Database) -> str:
    return str(db.file) if db.file is not None else db.label


def test_a_form_save_is_signed_field_by_field(db: Database) -> None:
    db.author = "anna"
    saved = save_client(db, draft=ClientDraft(name="Rossi Bakery", start_month="2026-01"))
    db.author = "sara"
    save_client(
        db,
        draft=ClientDraft(name="Rossi Bakery", start_month="2026-01", email="a@rossi.it"),
        client_id=saved.id,
    )
    newest, first = read_log(db, client_id=saved.id)
    assert (first.author, first.table, first.field, first.before) == ("anna", "client", None, None)
    assert json.loads(first.after or "")["name"] == "Rossi Bakery"
    assert first.describe() == "client Rossi Bakery added"
    assert (newest.author, newest.field, newest.before, newest.after) == (
        "sara",
        "email",
        "",
        "a@rossi.it",
    )
    assert newest.client == "Rossi Bakery"
    assert newest.at.endswith("Z") and newest.at >= first.at


def test_a_refused_save_signs_nothing(db: Database) -> None:
    with pytest.raises(FormInvalid):
        save_client(db, draft=ClientDraft(name=""))
    assert read_log(db) == []


def test_undo_is_signed_and_refuses_by_name_when_someone_changed_it_since(db: Database) -> None:
    db.author = "anna"
    cid = save_client(db, draft=ClientDraft(name="Greco Dental", start_month="2026-01")).id
    mine = UndoStack()
    e.set_result(db, client_id=cid, metric="new_followers", month="2026-11", actual="40", undo=mine)
    db.author = "sara"
    e.set_result(db, client_id=cid, metric="new_followers", month="2026-11", actual="55")
    db.author = "anna"
    with pytest.raises(UndoConflict, match=r"sara changed it since \(2026-"):
        undo_last(db, stack=mine)
    with raw(db) as conn:
        assert conn.execute("SELECT actual FROM result").fetchall() == [(55,)]

    e.set_result(db, client_id=cid, metric="new_followers", month="2026-11", actual="60", undo=mine)
    undo_last(db, stack=mine)
    undone = read_log(db, client_id=cid)[0]
    assert (undone.action, undone.author, undone.before, undone.after) == (
        "undo: Greco Dental: New followers 60 in Nov 2026",
        "anna",
        "60",
        "55",
    )


def test_a_deleted_clients_history_stays(db: Database) -> None:
    cid = save_client(db, draft=ClientDraft(name="Gone Soon", start_month="2026-01")).id
    delete_client(db, client_id=cid)
    entries = read_log(db, client_id=cid)
    assert [entry.describe() for entry in entries] == [
        "client Gone Soon deleted",
        "client Gone Soon added",
    ]
    assert all(entry.client is None for entry in entries)  # the name comes from the record


def test_the_log_is_not_data_an_export_carries(sample_db: Database) -> None:
    before = export_text(sample_db, "toml")
    save_client(sample_db, draft=ClientDraft(name="Logged Only", start_month="2026-01"))
    after = export_text(sample_db, "toml")
    assert "change_log" not in after and after != before


def test_retainer_log_lists_who_did_what(
    sample_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sample_db.author = "anna"
    save_client(sample_db, draft=ClientDraft(name="Brand New", start_month="2026-01"))
    sample_db.dispose()
    data = tmp_path / "more.toml"
    data.write_text(
        'format = "retainer-tui/1"\n\n[[clients]]\nname = "Imported One"\nstart = "2026-01"\n'
    )
    assert main(["--db", _arg(sample_db), "import", str(data)]) == 0
    capsys.readouterr()

    assert main(["--db", _arg(sample_db), "log"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "  import: clients 1 added" in lines[0]
    assert lines[1].endswith("  anna  new client Brand New · client Brand New added")

    assert main(["--db", _arg(sample_db), "log", "brand new", "--json"]) == 0
    (entry,) = json.loads(capsys.readouterr().out)["changes"]
    assert set(entry) == {
        "at", "user", "action", "table", "record", "client", "field", "before", "after"
    }  # fmt: skip
    assert (entry["user"], entry["client"], entry["table"]) == ("anna", "Brand New", "client")

    assert main(["--db", _arg(sample_db), "log", "--since", "2099-01-01"]) == 0
    assert capsys.readouterr().out == "No changes recorded\n"
    assert main(["--db", _arg(sample_db), "log", "nobody like this"]) != 0
    assert "nobody like this" in capsys.readouterr().err
