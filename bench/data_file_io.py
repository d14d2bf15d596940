"""Export and import of a whole database, against sqlite3 executemany of the same rows.

`python bench/data_file_io.py DB FORMAT REPEATS WORKDIR` (run in a child so that a big
parsed file does not stay in the harness) prints one JSON object: the number of rows, and
per repeat the seconds of export_data(db, FORMAT), of import_data into a new migrated
database, and of inserting the same rows with executemany in one transaction into another.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from common import table_rows

from retainer_tui.db.engine import Database, SqliteDatabase
from retainer_tui.db.migrate import open_database
from retainer_tui.services.data_file import export_data, import_data


def _fresh(folder: Path, name: str) -> Database:
    path = folder / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return open_database(path)


def _executemany(db: Database, rows: dict[str, list[tuple[object, ...]]]) -> None:
    with db.write() as conn:
        for table, values in rows.items():
            if values:
                marks = ",".join("?" * len(values[0]))
                conn.executemany(f"INSERT INTO {table} VALUES ({marks})", values)


def main(source: Path, fmt: str, repeats: int, work: Path) -> dict[str, object]:
    work.mkdir(parents=True, exist_ok=True)
    rows = table_rows(source)
    db = SqliteDatabase(source)
    result: dict[str, object] = {"rows": sum(len(v) for v in rows.values()), "format": fmt}
    exports: list[float] = []
    imports: list[float] = []
    baseline: list[float] = []
    text = ""
    for _ in range(repeats):
        start = time.perf_counter()
        text = export_data(db, fmt)
        exports.append(time.perf_counter() - start)
    result["bytes"] = len(text.encode())
    for _ in range(repeats):
        target = _fresh(work, f"import-{fmt}.db")
        start = time.perf_counter()
        import_data(target, text, fmt=fmt)
        imports.append(time.perf_counter() - start)
        target.dispose()
        plain = _fresh(work, "executemany.db")
        start = time.perf_counter()
        _executemany(plain, rows)
        baseline.append(time.perf_counter() - start)
    result.update(export=exports, import_=imports, baseline=baseline)
    for name in (f"import-{fmt}.db", "executemany.db"):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{work / name}{suffix}").unlink(missing_ok=True)
    return result


if __name__ == "__main__":
    source, fmt, repeats, work = sys.argv[1:5]
    sys.stdout.write(json.dumps(main(Path(source), fmt, int(repeats), Path(work))) + "\n")
