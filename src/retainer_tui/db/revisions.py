"""The schema's revisions, read from the revision files without Alembic (which the start-up
path never loads): the head a database must be at, and every revision the app knows."""

from __future__ import annotations

import ast
from pathlib import Path

MIGRATIONS = Path(__file__).parent / "migrations"
VERSIONS = MIGRATIONS / "versions"

_NAMES = ("revision", "down_revision")


class RevisionError(Exception):
    """The revision files do not form one line of revisions up to a single head."""


def _is_revision_file(name: str) -> bool:
    # Alembic's own rule (alembic.script.base._only_source_rev_file).
    return name.endswith(".py") and not name.startswith(("__init__", ".#"))


def _assignments_block(source: str) -> str | None:
    """The lines from the first that sets revision or down_revision to the next blank one.

    A revision file names itself in such a block: parsing only it keeps the read cheap on
    every start (parsing whole files costs some forty times as much). Plain string work,
    no regular expression: compiling one at import would cost as much again as the read.
    """
    lines = source.splitlines()
    for first, line in enumerate(lines):
        if line.startswith(_NAMES) and line.partition("=")[0].partition(":")[0].strip() in _NAMES:
            head = "\n".join(lines[:first])
            if head.count('"""') % 2 or head.count("'''") % 2:
                continue  # a line of a docstring
            end = first + 1
            while end < len(lines) and lines[end].strip():
                end += 1
            return "\n".join(lines[first:end])
    return None


def _literals(tree: ast.Module, path: Path) -> dict[str, object]:
    found: dict[str, object] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in _NAMES:
            try:
                found[target.id] = ast.literal_eval(value)
            except (ValueError, TypeError):
                raise RevisionError(
                    f"{path}: {target.id} must be written out (a string, a tuple or None)"
                ) from None
    return found


def read_script(path: Path) -> tuple[str, tuple[str, ...]]:
    """One revision file's id and the ids it revises."""
    source = path.read_text(encoding="utf-8")
    found: dict[str, object] = {}
    block = _assignments_block(source)
    if block is not None:
        try:
            found = _literals(ast.parse(block), path)
        except SyntaxError:
            # A block that a string cuts: the whole file says it.
            found = {}
    if any(name not in found for name in _NAMES):
        try:
            found = _literals(ast.parse(source, filename=str(path)), path)
        except SyntaxError as exc:
            problem = f"{exc.msg}, line {exc.lineno}"
            raise RevisionError(f"{path}: not valid Python ({problem})") from None
    revision, down = found.get("revision"), found.get("down_revision", ...)
    if not isinstance(revision, str) or not revision:
        raise RevisionError(f"{path}: no revision = '...' line")
    if down is ...:
        raise RevisionError(f"{path}: no down_revision = ... line")
    if down is None:
        return revision, ()
    if isinstance(down, str):
        return revision, (down,)
    if isinstance(down, (tuple, list)) and down and all(isinstance(d, str) for d in down):
        return revision, tuple(down)
    raise RevisionError(f"{path}: down_revision must be None, a revision or a tuple of them")


def read_revisions(folder: Path = VERSIONS) -> tuple[str, frozenset[str]]:
    """The head and every revision of the folder; RevisionError unless they form one graph
    with one head, every revision they revise present and no cycle."""
    scripts: dict[str, tuple[str, ...]] = {}
    where: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        if not _is_revision_file(path.name):
            continue
        revision, down = read_script(path)
        if revision in where:
            raise RevisionError(f"{path}: revision {revision} is also {where[revision].name}")
        scripts[revision], where[revision] = down, path
    if not scripts:
        raise RevisionError(f"{folder}: holds no revision")
    for revision, down in scripts.items():
        missing = [d for d in down if d not in scripts]
        if missing:
            raise RevisionError(
                f"{where[revision]}: revises {', '.join(missing)}, which no file in {folder} is"
            )
    _check_no_cycle(scripts, folder)
    revised = {d for down in scripts.values() for d in down}
    heads = sorted(set(scripts) - revised)
    if len(heads) > 1:
        raise RevisionError(
            f"{folder}: {len(heads)} heads ({', '.join(heads)}); renumber one to revise the "
            "other, or add a revision that revises them all"
        )
    return heads[0], frozenset(scripts)


def _check_no_cycle(scripts: dict[str, tuple[str, ...]], folder: Path) -> None:
    placed: set[str] = set()
    waiting = dict(scripts)
    while waiting:
        ready = [r for r, down in waiting.items() if all(d in placed for d in down)]
        if not ready:
            raise RevisionError(f"{folder}: revisions revise each other ({', '.join(waiting)})")
        for revision in ready:
            placed.add(revision)
            del waiting[revision]
