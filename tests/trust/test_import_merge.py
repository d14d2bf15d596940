"""Import merges and never destroys (PRODUCT.md "Import merges; it never destroys"):
history the file does not mention is kept, names match however they are written,
--replace is the old whole-client import after a backup, the summary counts per kind
(a dry run saying the same), a file's currency never relabels a database holding data,
and a database made by the import holds only what the file holds."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from retainer_tui import cli, paths
from retainer_tui.db.engine import Database
from retainer_tui.db.migrate import open_database
from retainer_tui.services.data_file import Tally, export_data, import_data
from retainer_tui.services.import_prospect import PROSPECT_COLUMN, PROSPECT_DEFAULTS
from retainer_tui.services.pipeline_data import PROSPECT_KEYS
from tests.raw import db_arg, raw
from tests.trust import tally
from tests.trust.helpers import Tables, read_tables

pytestmark = pytest.mark.both_engines

HEAD = 'format = "retainer-tui/1"\ncurrency = "USD"\n'
BASE = (
    HEAD
    + """
[[metrics]]
key = "reels"
label = "Reels published"
unit = "reels"

[[clients]]
name = "Rossi Bakery"
tier = "Tier 1"
monthly_fee = "2000.00"
email = "maria@rossi.example"
status = "active"
start = "2026-01"
[clients.goals]
"2026-01" = { new_followers = 500, posts_shared = 40 }
"2026-06" = { new_followers = 650 }
[clients.results]
"2026-10" = { new_followers = 480, reels = 5 }
"2026-11" = { new_followers = 120, posts_shared = 12 }
[clients.hours]
"2026-10" = 10.0
"2026-11" = 12.5
[[clients.payments]]
month = "2026-10"
amount = "2000.00"
received = 2026-10-02
[[clients.payments]]
month = "2026-11"
amount = "2000.00"
received = 2026-11-02
[[clients.reports]]
month = "2026-09"
sent = 2026-10-03
[[clients.reports]]
month = "2026-10"
sent = 2026-11-03
highlights = "Reels doing well"

[[clients]]
name = "Verdi Studio"
status = "prospect"
stage = "proposal sent"
next_action = "Call back"
next_action_on = 2026-12-01
[clients.prospect]
goals = "A second shop"
targets = { new_followers = 600 }
recommended_tier = "Tier 2"
[[clients.prospect.objections]]
kind = "money"
text = "Too dear"
answer = "A trial first"

[[clients]]
name = "Café Rossi"
status = "active"
start = "2026-03"
[clients.results]
"2026-11" = { conversions = 3 }
"""
)


def rossi(body: str, name: str = "Rossi Bakery") -> str:
    return HEAD + f'\n[[clients]]\nname = "{name}"\n' + body


def changes(before: Tables, after: Tables) -> dict[str, tuple[set, set]]:
    """Per table that changed: the rows gone and the rows new."""
    out = {}
    for table, (_, rows) in after.items():
        old = set(before[table][1])
        new = set(rows)
        if old != new:
            out[table] = (old - new, new - old)
    return out


@pytest.fixture
def stored(db: Database) -> Database:
    import_data(db, BASE, fmt="toml")
    return db


# (id, the file, {table: (rows gone, rows new)}, what the summary says of the kind)
MERGES = [
    (
        "result-new-month",
        rossi('[clients.results]\n"2026-12" = { new_followers = 50 }\n'),
        {"result": (set(), {(1, "new_followers", "2026-12", 50)})},
        ("results", Tally(added=1)),
    ),
    (
        "result-same-month",
        rossi('[clients.results]\n"2026-11" = { new_followers = 130 }\n'),
        {
            "result": (
                {(1, "new_followers", "2026-11", 120)},
                {(1, "new_followers", "2026-11", 130)},
            )
        },
        ("results", Tally(updated=1)),
    ),
    (
        "result-same-value",
        rossi('[clients.results]\n"2026-11" = { new_followers = 120 }\n'),
        {},
        ("results", Tally(unchanged=1)),
    ),
    (
        "hours-one-month",
        rossi('[clients.hours]\n"2026-11" = 14.0\n'),
        {"hours": ({(1, "2026-11", 1250)}, {(1, "2026-11", 1400)})},
        ("hours", Tally(updated=1)),
    ),
    (
        "payment-new-month",
        rossi(
            '[[clients.payments]]\nmonth = "2026-12"\namount = "2000.00"\nreceived = 2026-12-02\n'
        ),
        {"payment": (set(), {(1, "2026-12", 200000, "2026-12-02")})},
        ("payments", Tally(added=1)),
    ),
    (
        "report-same-month",
        rossi('[[clients.reports]]\nmonth = "2026-09"\nsent = 2026-10-04\n'),
        {"report": ({(1, "2026-09", "2026-10-03", "")}, {(1, "2026-09", "2026-10-04", "")})},
        ("reports", Tally(updated=1)),
    ),
    (
        "goal-one-metric",
        rossi('[clients.goals]\n"2026-01" = { conversions = 10 }\n'),
        {"goal": (set(), {(1, "conversions", "2026-01", 10)})},
        ("goals", Tally(added=1)),
    ),
    (
        "name-only",
        rossi(""),
        {},
        ("clients", Tally(unchanged=1)),
    ),
]


@pytest.mark.parametrize(
    ("text", "expected", "kind"), [pytest.param(*m[1:], id=m[0]) for m in MERGES]
)
def test_merge_keeps_everything_the_file_does_not_mention(
    stored: Database, text: str, expected: dict, kind: tuple[str, Tally]
) -> None:
    before = read_tables(stored)
    summary = import_data(stored, text, fmt="toml")
    assert changes(before, read_tables(stored)) == expected
    assert getattr(summary, kind[0]) == kind[1]
    tally.tried()


def test_a_field_in_the_file_replaces_that_field_only(stored: Database) -> None:
    before = read_tables(stored)
    summary = import_data(stored, rossi('email = "new@rossi.example"\n'), fmt="toml")
    assert summary.clients == Tally(updated=1)
    assert set(changes(before, read_tables(stored))) == {"client"}
    with raw(stored) as conn:
        row = conn.execute(
            "SELECT email, fee_override_cents, tier_id, start_month, status FROM client "
            "WHERE id = 1"
        ).fetchone()
    assert row == ("new@rossi.example", 200000, 1, "2026-01", "active")


def test_prospect_data_merges_too(stored: Database) -> None:
    text = rossi(
        'next_action = "Send the contract"\n[clients.prospect]\ntrial_fee = "500.00"\n'
        '[[clients.prospect.objections]]\nkind = "results"\ntext = "Will it work?"\n',
        name="Verdi Studio",
    )
    summary = import_data(stored, text, fmt="toml")
    assert (summary.clients, summary.prospects, summary.objections) == (
        Tally(updated=1),
        Tally(updated=1),
        Tally(added=1),
    )
    with raw(stored) as conn:
        client = conn.execute(
            "SELECT stage, next_action, next_action_on FROM client WHERE name = 'Verdi Studio'"
        ).fetchone()
        prospect = conn.execute(
            "SELECT goals, CAST(targets AS TEXT), recommended_tier_id, trial_fee_cents "
            "FROM prospect"
        ).fetchone()
        objections = conn.execute(
            "SELECT position, kind, text FROM objection ORDER BY position"
        ).fetchall()
    assert client is not None and (*client[:2], str(client[2])) == (
        "proposal sent",
        "Send the contract",
        "2026-12-01",
    )
    assert prospect == ("A second shop", '{"new_followers": 600}', 2, 50000)
    assert objections == [(0, "money", "Too dear"), (1, "results", "Will it work?")]


def test_every_prospect_key_has_a_column() -> None:
    """The merge clears a prospect key given empty to the column's own default."""
    keys = set(PROSPECT_KEYS) - {"objections"}
    assert {PROSPECT_COLUMN.get(k, k) for k in keys} == set(PROSPECT_DEFAULTS)


@pytest.mark.parametrize(
    "written",
    [
        unicodedata.normalize("NFD", "Café Rossi"),
        "CAFÉ ROSSI",
        "café   rossi",
        unicodedata.normalize("NFD", "CAFÉ rossi"),
    ],
    ids=["decomposed", "upper", "spaces", "decomposed-upper"],
)
def test_a_name_matches_however_it_is_written(stored: Database, written: str) -> None:
    text = rossi('[clients.results]\n"2026-12" = { conversions = 4 }\n', name=written)
    before = read_tables(stored)
    summary = import_data(stored, text, fmt="toml")
    assert summary.clients == Tally(unchanged=1)
    assert changes(before, read_tables(stored)) == {
        "result": (set(), {(3, "conversions", "2026-12", 4)})
    }
    with raw(stored) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM client ORDER BY id")]
    assert names == ["Rossi Bakery", "Verdi Studio", "Café Rossi"]  # the stored spelling
    tally.tried()


def test_replace_does_the_old_thing_after_a_backup(
    stored: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "one-result.toml"
    file.write_text(rossi('start = "2026-01"\n[clients.results]\n"2026-12" = { reels = 2 }\n'))
    before, before_text = read_tables(stored), export_data(stored)
    assert cli.main(["import", str(file), "--replace", "--db", db_arg(stored)]) == 0
    out = capsys.readouterr().out.splitlines()
    with raw(stored) as conn:
        for table in ("goal", "hours", "payment", "report"):
            assert conn.execute(f"SELECT count(*) FROM {table} WHERE client_id = 1").fetchone() == (
                0,
            ), table
        assert conn.execute("SELECT * FROM result WHERE client_id = 1").fetchall() == [
            (1, "reels", "2026-12", 2)
        ]
        row = conn.execute("SELECT email, fee_override_cents, tier_id FROM client WHERE id = 1")
        assert row.fetchone() == ("", None, None)
        # The other clients keep everything.
        assert conn.execute("SELECT count(*) FROM objection").fetchone() == (1,)
    assert out[0].endswith(
        "imported: clients 0 added, 1 updated, 0 unchanged; "
        "goals 0 added, 0 updated, 0 unchanged, 3 removed; "
        "results 1 added, 0 updated, 0 unchanged, 4 removed; "
        "hours 0 added, 0 updated, 0 unchanged, 2 removed; "
        "payments 0 added, 0 updated, 0 unchanged, 2 removed; "
        "reports 0 added, 0 updated, 0 unchanged, 2 removed"
    )
    folder = paths.backups_dir(stored.file)
    pattern = f"{stored.stem}-before-import-*"
    backups = list(folder.glob(pattern))
    assert len(backups) == 1 and str(backups[0]) in out[1]
    # The backup holds the data as it was: SQLite's copy, or a server's data file.
    if backups[0].suffix == ".db":
        assert read_tables(backups[0]) == before
    else:
        assert backups[0].read_text() == before_text
    # Two in the same second never share a name.
    assert cli.main(["import", str(file), "--replace", "--db", db_arg(stored)]) == 0
    assert len(list(folder.glob(pattern))) == 2


KNOWN = rossi(
    'email = "maria@rossi.example"\nstart = "2026-01"\n'
    '[clients.results]\n"2026-10" = { new_followers = 480, reels = 6 }\n'
    '"2026-12" = { new_followers = 10 }\n'
    '[[clients.payments]]\nmonth = "2026-11"\namount = "2000.00"\nreceived = 2026-11-02\n'
    '\n[[clients]]\nname = "New Client"\nstatus = "prospect"\n'
    '[clients.goals]\n"2026-12" = { conversions = 1 }\n'
    '\n[[tiers]]\nname = "Tier 2"\nmonthly_fee = "5500.00"\n'
    '\n[[tiers]]\nname = "Gold"\nmonthly_fee = "9000.00"\n'
)
KNOWN_SUMMARY = (
    "clients 1 added, 0 updated, 1 unchanged; tiers 1 added, 1 updated, 0 unchanged; "
    "goals 1 added, 0 updated, 0 unchanged; results 1 added, 1 updated, 1 unchanged; "
    "payments 0 added, 0 updated, 1 unchanged"
)


@pytest.mark.parametrize("replace", [False, True], ids=["merge", "replace"])
def test_summary_counts_per_kind_and_the_dry_run_agrees(
    stored: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str], replace: bool
) -> None:
    file = tmp_path / "known.toml"
    file.write_text(KNOWN)
    flags = ["--replace"] if replace else []
    before = read_tables(stored)
    assert cli.main(["import", str(file), "--dry-run", *flags, "--db", db_arg(stored)]) == 0
    dry = capsys.readouterr().out.splitlines()
    assert read_tables(stored) == before
    assert cli.main(["import", str(file), *flags, "--db", db_arg(stored)]) == 0
    real = capsys.readouterr().out.splitlines()
    assert dry[0].replace("would import:", "imported:") == real[0]
    if not replace:
        assert real[0] == f"{file}: imported: {KNOWN_SUMMARY}"
    else:
        assert "removed" in real[0] and len(real) == 2  # the backup's line
    # Importing the same file again changes nothing, and says so.
    again = import_data(stored, KNOWN, fmt="toml", dry_run=True)
    assert again.clients == Tally(unchanged=2) and again.results == Tally(unchanged=3)


def _hold_client(db: Database) -> None:
    import_data(db, rossi('status = "prospect"\n'), fmt="toml")


def _hold_metric(db: Database) -> None:
    with raw(db, write=True) as conn:
        conn.execute(
            "INSERT INTO metric (key, label, unit, builtin, position) "
            "VALUES ('reels', 'Reels', '', FALSE, 9)"
        )


def _hold_tier_fee(db: Database) -> None:
    with raw(db, write=True) as conn:
        conn.execute("UPDATE tier SET monthly_fee_cents = 310000 WHERE name = 'Tier 1'")


def _hold_tier_goal(db: Database) -> None:
    with raw(db, write=True) as conn:
        conn.execute("DELETE FROM tier_goal WHERE metric_key = 'conversions'")


@pytest.mark.parametrize(
    "hold",
    [_hold_client, _hold_metric, _hold_tier_fee, _hold_tier_goal],
    ids=["client", "metric", "tier-fee", "tier-goal"],
)
@pytest.mark.parametrize("replace", [False, True], ids=["merge", "replace"])
def test_another_currency_is_refused_when_the_database_holds_data(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str], hold, replace: bool
) -> None:
    hold(db)
    file = tmp_path / "eur.toml"
    file.write_text(BASE.replace('currency = "USD"', 'currency = "eur"'))
    before = read_tables(db)
    flags = ["--replace"] if replace else []
    assert cli.main(["import", str(file), *flags, "--db", db_arg(db)]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "EUR" in err and "USD" in err, err
    assert read_tables(db) == before
    assert not paths.backups_dir(db.file).exists()
    tally.tried()


def test_a_database_with_only_what_a_new_one_has_takes_the_files_currency(
    db: Database,
) -> None:
    summary = import_data(db, BASE.replace('currency = "USD"', 'currency = "EUR"'), fmt="toml")
    assert summary.clients == Tally(added=3)
    with raw(db) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'currency'").fetchone() == ("EUR",)


@pytest.fixture
def own_tiers_file(tmp_path: Path) -> Path:
    """An export of a database that never had Tier 1/2/3, in EUR."""
    source = open_database(tmp_path / "source.db")
    text = BASE.replace('currency = "USD"', 'currency = "EUR"').replace("Tier 1", "Gold")
    text = text.replace("Tier 2", "Silver")
    tiers = (
        '\n[[tiers]]\nname = "Silver"\nmonthly_fee = "1500.00"\n'
        '\n[[tiers]]\nname = "Gold"\nmonthly_fee = "2500.00"\nincluded_hours = 10\n'
        'services = ["Posts"]\ngoals = { reels = 4 }\n'
    )
    import_data(source, text.replace("\n[[clients]]", tiers + "\n[[clients]]", 1), fmt="toml",
                new_database=True)  # fmt: skip
    file = tmp_path / "own-tiers.toml"
    file.write_text(export_data(source))
    return file


def test_a_database_created_by_the_import_holds_only_the_file(
    own_tiers_file: Path, db_target: str, engine: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Into a new file, or an empty server database (createdb made it, with no schema)."""
    assert cli.main(["import", str(own_tiers_file), "--dry-run", "--db", db_target]) == 0
    if engine == "sqlite":
        assert not Path(db_target).exists(), "a dry run created the database"
    else:
        from retainer_tui.db.pg_migrate import holds_nothing

        assert holds_nothing(db_target), "a dry run made the schema"
    assert "would import into a new database" in capsys.readouterr().out
    assert cli.main(["import", str(own_tiers_file), "--db", db_target]) == 0
    made = open_database(db_target)
    try:
        assert "Tier 1" not in export_data(made)
        assert export_data(made) == own_tiers_file.read_text()
    finally:
        made.dispose()


def test_a_refused_file_creates_no_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "bad.toml"
    file.write_text(rossi('tier = "Gold"\nstart = "2026-01"\n'))
    target = tmp_path / "fresh.db"
    assert cli.main(["import", str(file), "--db", str(target)]) == 2
    assert 'no tier named "Gold"' in capsys.readouterr().err
    assert not target.exists()


ESCAPES = ["\x1b]0;owned\x07", "\x1b[2J", "\x9b31m", "a\u202eb", "line\nbreak", "\x7f"]


@pytest.mark.parametrize("evil", ESCAPES, ids=repr)
@pytest.mark.parametrize("where", ["targets", "metric", "key"])
def test_problems_quoting_the_file_carry_no_control_characters(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str], evil: str, where: str
) -> None:
    quoted = evil.encode("unicode_escape").decode().replace('"', '\\"')
    body = {
        "targets": f'status = "prospect"\n[clients.prospect]\ntargets = {{ "{quoted}" = 1 }}\n',
        "metric": f'status = "prospect"\n[clients.goals]\n"2026-01" = {{ "{quoted}" = 1 }}\n',
        "key": f'status = "prospect"\n"{quoted}" = 1\n',
    }[where]
    file = tmp_path / "evil.toml"
    file.write_text(rossi(body), encoding="utf-8")
    assert cli.main(["import", str(file), "--db", db_arg(db)]) == 2
    err = capsys.readouterr().err
    assert not any(unicodedata.category(ch) in ("Cc", "Cf") for ch in err.rstrip("\n")), repr(err)
    assert len(err.splitlines()) == 1 and "\\" in err  # shown escaped
    tally.tried()
