"""The app's export keys: check the chosen file by the -o rules, ask before replacing one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.screen import Screen

from retainer_tui import paths
from retainer_tui.services.errors import ServiceError
from retainer_tui.services.output_file import OutputRefused, resolve_output
from retainer_tui.services.reports import ExportExists, ReportError

Write = Callable[[bool], Path]  # overwrite -> the file written


def export_to(
    screen: Screen[Any],
    path: Path,
    *,
    database: Path | None,
    what: str,
    write: Write,
    done: Callable[[Path], None],
) -> None:
    """Refuse the database and its backups folder; ask before replacing an existing file
    (two clients whose names give one file name must not replace each other's report).
    database: the open database's file (None on a server, which has no file here: the
    data folder's backups are still refused)."""
    from retainer_tui.tui.screens.confirm import Choice, ChoiceScreen

    target = Path(path).expanduser().absolute()
    try:
        out = resolve_output(
            target,
            database=database,
            backups=paths.backups_dir(database),
            make_folder=paths.documents_dir(),
        )
    except OutputRefused as exc:
        screen.notify(str(exc), severity="error", markup=False)
        return

    def run(overwrite: bool) -> None:
        try:
            written = write(overwrite)
        except ExportExists as exc:
            screen.notify(str(exc), severity="error", markup=False)
            return
        except (ReportError, ServiceError) as exc:
            screen.notify(str(exc), severity="error", markup=False)
            return
        done(written)

    if out.kind != "file":
        run(out.kind == "special")  # a new file is never clobbered; a pipe is written in place
        return

    def answered(choice: str | None) -> None:
        if choice == "yes":
            run(True)
        else:
            screen.notify(f"{target} was left as it was.", title="Not exported", markup=False)

    screen.app.push_screen(
        ChoiceScreen(
            "Replace the file?",
            f"{target} exists. Replace it with this {what}?",
            [Choice("y", "Replace", "yes", "warning"), Choice("n", "Keep it", "no")],
        ),
        answered,
    )
