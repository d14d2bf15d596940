"""Every file the user names for output (`-o FILE`, the app's export keys) is written here.

The rules (PRODUCT.md, Command line): `-` is standard output; the database, its `-wal`,
`-shm` and `-journal` files and anything in its backups folder are refused; a folder is
refused; a symlink is written through to its target (the link stays a link); a device or
FIFO is written in place and stays what it is; a regular file is replaced atomically
(temporary file in the same folder, then a rename) and is private (0600), as is a new one.
No folder is made, except the one folder a caller names (the documents folder), 0700.
Each refusal is one line and nothing is written.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

STDOUT = "-"
_SIDE_FILES = ("-wal", "-shm", "-journal")

Kind = Literal["stdout", "special", "file", "new"]


class OutputRefused(ValueError):
    """The named output cannot or must not be written; one line, nothing was written."""


class OutputExists(OutputRefused):
    """The file exists and the caller asked not to overwrite it (the app asks first)."""


@dataclass(frozen=True, slots=True)
class Output:
    """Where a write goes: `given` is what the user typed, `real` the file written."""

    given: str
    real: Path | None  # None: standard output
    kind: Kind

    @property
    def exists(self) -> bool:
        return self.kind in ("file", "special")


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _protected(shown: Path, real: Path, database: Path | None, backups: Path | None) -> None:
    if database is not None:
        db = database.expanduser().resolve()
        if real == db or _same_file(real, db):
            raise OutputRefused(
                f"{shown}: is the database itself; choose another file (nothing was written)"
            )
        for side in _SIDE_FILES:
            other = db.with_name(db.name + side)
            if real == other or _same_file(real, other):
                raise OutputRefused(
                    f"{shown}: is the database's {side} file; choose another file "
                    "(nothing was written)"
                )
    if backups is not None:
        folder = backups.expanduser().resolve()
        if _inside(real, folder):
            raise OutputRefused(
                f"{shown}: is in the backups folder {folder}; choose another file "
                "(nothing was written)"
            )


def resolve_output(
    given: str | os.PathLike[str],
    *,
    database: Path | None = None,
    backups: Path | None = None,
    make_folder: Path | None = None,
) -> Output:
    """Check a target before anything is written; OutputRefused says why not, in one line.

    database: the open database (it, its side files and hard links to them are refused);
    backups: its backups folder (anything inside is refused); make_folder: the one missing
    folder the caller may create (the documents folder), checked here, made by the write.
    """
    text = os.fspath(given)
    if text == STDOUT:
        return Output(text, None, "stdout")
    if not text.strip():
        raise OutputRefused("the output file name is empty; give a file name or - for stdout")
    shown = Path(text).expanduser()
    real = shown.resolve()  # through every symlink: the link stays, its target is written
    _protected(shown, real, database, backups)
    try:
        info = real.stat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise OutputRefused(f"{shown}: cannot be written ({exc.strerror})") from None
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise OutputRefused(f"{shown}: is a folder; give a file name (nothing was written)")
        if stat.S_ISREG(info.st_mode):
            return Output(text, real, "file")
        if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) or stat.S_ISFIFO(info.st_mode):
            return Output(text, real, "special")
        raise OutputRefused(f"{shown}: is not a file, a device or a pipe; choose another file")
    parent = real.parent
    if not parent.is_dir():
        may_make = make_folder is not None and parent == make_folder.expanduser().resolve()
        if not may_make:
            raise OutputRefused(
                f"{shown}: the folder {parent} does not exist (nothing was written)"
            )
    return Output(text, real, "new")


def make_private_folder(folder: Path) -> None:
    """Create the folder and any missing parent, each owner-only (0700) whatever the
    umask; a folder that already exists is left as it is."""
    missing: list[Path] = []
    probe = folder
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for part in reversed(missing):
        part.mkdir(mode=0o700, exist_ok=True)
        part.chmod(0o700)  # mkdir's mode is masked by the umask; chmod is not


def _copy(data: str | bytes | Path, fh: BinaryIO) -> None:
    if isinstance(data, Path):
        with data.open("rb") as src:
            shutil.copyfileobj(src, fh)
    elif isinstance(data, str):
        fh.write(data.encode("utf-8"))
    else:
        fh.write(data)


def write_output(
    target: str | os.PathLike[str] | Output,
    data: str | bytes | Path,
    *,
    database: Path | None = None,
    backups: Path | None = None,
    make_folder: Path | None = None,
    overwrite: bool = True,
) -> Path | None:
    """Write data (text as UTF-8, bytes, or a file's contents) by the rules above.

    Returns the file written (a symlink's target), None for standard output. With
    overwrite=False an existing file raises OutputExists and is left as it was.
    """
    out = (
        target
        if isinstance(target, Output)
        else resolve_output(target, database=database, backups=backups, make_folder=make_folder)
    )
    if out.real is None:
        sys.stdout.flush()
        _copy(data, sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return None
    shown = Path(out.given).expanduser()
    if out.exists and not overwrite:
        raise OutputExists(f"{shown}: exists; nothing was written")
    try:
        if out.kind == "special":
            # In place: a pipe stays a pipe, /dev/stdout stays a device. No O_CREAT: a
            # device that vanished meanwhile is not replaced by a file.
            fd = os.open(out.real, os.O_WRONLY)
            with os.fdopen(fd, "wb") as fh:
                _copy(data, fh)
            return out.real
        if make_folder is not None and out.real.parent == make_folder.expanduser().resolve():
            make_private_folder(out.real.parent)
        _replace(out.real, data, overwrite=overwrite, shown=shown)
    except OutputRefused:
        raise
    except OSError as exc:
        raise OutputRefused(f"{shown}: cannot be written ({exc.strerror})") from None
    return out.real


def _replace(real: Path, data: str | bytes | Path, *, overwrite: bool, shown: Path) -> None:
    fd, name = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".partial", dir=real.parent)
    partial = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            _copy(data, fh)
            fh.flush()
            os.fchmod(fh.fileno(), 0o600)
            os.fsync(fh.fileno())
        if overwrite:
            os.replace(partial, real)
            return
        try:
            os.link(partial, real)  # never clobbers: fails if the file appeared meanwhile
        except FileExistsError:
            raise OutputExists(f"{shown}: exists; nothing was written") from None
        except OSError:
            if real.exists():
                raise OutputExists(f"{shown}: exists; nothing was written") from None
            os.replace(partial, real)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
