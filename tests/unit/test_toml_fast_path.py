"""The compiled TOML parser is only a speed-up: same data, and tomllib's errors when invalid."""

from __future__ import annotations

import pytest

from retainer_tui.services import import_parse
from retainer_tui.services.data_file import DataFileError, export_data, import_data
from tests.factories import add_client, mark_sent, set_goal, set_result

BROKEN = 'format = "retainer-tui/1"\ncurrency = "USD"\n[[clients]]\nname = "A\n'


@pytest.fixture(params=["rtoml", "tomllib"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "tomllib":
        # As when rtoml refuses a file: tomllib reads it.
        monkeypatch.setattr(import_parse, "_fast_toml", lambda _text: None)
    return request.param


def test_both_parsers_import_the_same_data(db, tmp_path, parser: str) -> None:
    from retainer_tui.db.migrate import open_database

    cid = add_client(db, "Rossi Bakery", fee_cents=2_000_00)
    set_goal(db, cid, "new_followers", "2026-01", 500)
    set_result(db, cid, "new_followers", "2026-11", 120)
    mark_sent(db, cid, "2026-10", "2026-11-03")
    text = export_data(db, "toml")
    other = open_database(tmp_path / "other.db")
    import_data(other, text, fmt="toml")
    assert export_data(other, "toml") == text


def test_invalid_toml_is_reported_with_its_line(db, parser: str) -> None:
    with pytest.raises(DataFileError) as caught:
        import_data(db, BROKEN, fmt="toml")
    (problem,) = caught.value.problems
    assert problem.place == "line 4"
