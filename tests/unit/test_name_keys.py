"""Every client and tier row keeps its name's key (the unique, portable form of "names are
case-insensitive"): on create, rename, the sample data, and undo."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from retainer_tui.db.engine import Database
from retainer_tui.domain.names import name_key
from retainer_tui.services.client_read import get_client
from retainer_tui.services.clients import ClientDraft, save_client
from retainer_tui.services.errors import FormInvalid
from retainer_tui.services.sample import load_sample_data
from retainer_tui.services.tiers import TierDraft, save_tier
from retainer_tui.services.undo import UndoStack, undo_last
from tests.raw import raw

pytestmark = pytest.mark.both_engines


def keys(db: Database, table: str) -> list[tuple[str, str | None]]:
    with raw(db) as conn:
        return conn.execute(f"SELECT name, name_key FROM {table} ORDER BY id").fetchall()


def all_keyed(db: Database, table: str) -> bool:
    return all(key == name_key(name) for name, key in keys(db, table))


def test_the_sample_data_and_new_databases_have_every_key(db: Database) -> None:
    assert all_keyed(db, "tier")
    load_sample_data(db, as_of=date(2026, 11, 20))
    assert all_keyed(db, "client") and all_keyed(db, "tier")


def test_a_client_keeps_its_key_through_create_rename_and_undo(db: Database) -> None:
    stack = UndoStack()
    saved = save_client(db, draft=ClientDraft(name="Café Rossi", tier="Tier 1"), undo=stack)
    assert keys(db, "client") == [("Café Rossi", "café rossi")]
    record = get_client(db, client_id=saved.id)
    assert record is not None
    renamed = replace(record.draft(), name="CAFE\u0301  Verdi")
    save_client(db, draft=renamed, client_id=saved.id, base=record.draft(), undo=stack)
    assert keys(db, "client") == [("CAFE\u0301  Verdi", "café verdi")]
    undo_last(db, stack=stack)
    assert keys(db, "client") == [("Café Rossi", "café rossi")]


def test_a_name_with_the_same_key_is_refused(db: Database) -> None:
    save_client(db, draft=ClientDraft(name="Café Rossi"))
    with pytest.raises(FormInvalid):
        save_client(db, draft=ClientDraft(name="CAFE\u0301 ROSSI"))
    assert len(keys(db, "client")) == 1


def test_a_tier_keeps_its_key_through_create_and_rename(db: Database) -> None:
    made = save_tier(db, draft=TierDraft(name="Starter Ü", monthly_fee="900"))
    assert ("Starter Ü", "starter ü") in keys(db, "tier")
    save_tier(db, draft=TierDraft(name="Basic", monthly_fee="900"), tier_id=made.id)
    assert ("Basic", "basic") in keys(db, "tier") and all_keyed(db, "tier")


@pytest.mark.parametrize("replace", [False, True])
def test_imports_keep_every_key(db: Database, tmp_path, replace: bool) -> None:
    from retainer_tui.services.data_file import import_data

    save_client(db, draft=ClientDraft(name="Café Rossi", tier="Tier 1", start_month="2026-01"))
    text = (
        'format = "retainer-tui/1"\ncurrency = "USD"\n'
        '[[tiers]]\nname = "TIER 1"\nmonthly_fee = "3000"\n'
        '[[clients]]\nname = "CAFE\u0301 ROSSI"\nemail = "a@b.example"\nstart = "2026-01"\n'
        '[[clients]]\nname = "Verdi Ünal"\nstart = "2026-02"\n'
    )
    import_data(db, text, fmt="toml", replace=replace, backup_dir=tmp_path / "b")
    assert all_keyed(db, "client") and all_keyed(db, "tier")
    assert len(keys(db, "client")) == 2
