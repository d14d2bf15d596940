"""db.statements.insert_rows: the bulk write of an import, rows given in their stored form
(dates as ISO text), on both engines; it computes no column default and says so."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import insert, select

from retainer_tui.db.engine import Database
from retainer_tui.db.models import Client, Payment, Report, metadata
from retainer_tui.db.statements import insert_rows, upsert

pytestmark = pytest.mark.both_engines


def _client(db: Database) -> int:
    with db.writing() as session:
        session.execute(insert(Client).values(id=7, name="Rossi", name_key="rossi"))
    return 7


def test_rows_in_stored_form_read_back_through_the_column_types(db: Database) -> None:
    cid = _client(db)
    payment = metadata.tables["payment"]
    columns = ("client_id", "month", "amount_cents", "received_on")
    with db.writing() as session:
        stmt = upsert(session, payment, keys=("client_id", "month"), update=columns[2:])
        insert_rows(session, stmt, columns, [(cid, "2026-01", 150, "2026-01-05")])
        insert_rows(
            session,
            stmt,
            columns,
            [(cid, "2026-01", 200, "2026-01-09"), (cid, "2026-02", 300, "2026-02-28")],
        )
        insert_rows(session, stmt, columns, [])
    report = metadata.tables["report"]
    with db.writing() as session:
        insert_rows(
            session,
            insert(report),
            ("client_id", "month", "sent_on", "highlights"),
            [(cid, "2026-01", None, "draft"), (cid, "2026-02", "2026-03-02", "")],
        )
    with db.reading() as session:
        payments = session.execute(
            select(Payment.month, Payment.amount_cents, Payment.received_on).order_by(Payment.month)
        ).all()
        reports = session.execute(
            select(Report.month, Report.sent_on, Report.highlights).order_by(Report.month)
        ).all()
    # The upsert replaced January; the dates are dates again, read by the Date type.
    assert [tuple(r) for r in payments] == [
        ("2026-01", 200, date(2026, 1, 9)),
        ("2026-02", 300, date(2026, 2, 28)),
    ]
    assert [tuple(r) for r in reports] == [
        ("2026-01", None, "draft"),
        ("2026-02", date(2026, 3, 2), ""),
    ]


def test_a_column_default_left_out_is_refused_on_sqlite(db: Database, engine: str) -> None:
    client = metadata.tables["client"]
    with db.writing() as session:
        if engine == "sqlite":
            # name_key comes from a Python default, which the driver's executemany skips.
            with pytest.raises(ValueError, match="name_key"):
                insert_rows(session, insert(client), ("id", "name"), [(3, "Bianchi")])
        else:
            insert_rows(session, insert(client), ("id", "name"), [(3, "Bianchi")])
    with db.reading() as session:
        keys = session.execute(select(Client.name_key).where(Client.id == 3)).scalars().all()
    assert keys == ([] if engine == "sqlite" else ["bianchi"])


def test_columns_out_of_the_statement_order_are_refused_on_sqlite(
    db: Database, engine: str
) -> None:
    cid = _client(db)
    hours = metadata.tables["hours"]
    columns = ("month", "client_id", "hours_x100")
    with db.writing() as session:
        if engine == "sqlite":
            # The tuples go to the driver as they are: in another order they would be
            # written to the wrong columns.
            with pytest.raises(ValueError, match="binds"):
                insert_rows(session, insert(hours), columns, [("2026-01", cid, 150)])
        else:
            insert_rows(session, insert(hours), columns, [("2026-01", cid, 150)])
    with db.reading() as session:
        rows = session.execute(select(hours.c.client_id, hours.c.month, hours.c.hours_x100))
        stored = [tuple(r) for r in rows]
    assert stored == ([] if engine == "sqlite" else [(cid, "2026-01", 150)])
