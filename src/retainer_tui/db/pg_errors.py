"""PostgreSQL failures as one line each: which server, what went wrong, what to do.

Never the password: every message names the database by its label (db/pg_url.py), and the
server's own text is used only where it holds no connection string.
"""

from __future__ import annotations

from retainer_tui.db.errors import DatabaseBusy, DatabaseError, ReadOnlyDatabase, ServerUnreachable

# The oldest server the app supports (what it was tested on, and the last three
# before it: MERGE-free SQL, GENERATED columns unused, advisory locks as ever).
MIN_SERVER_VERSION = 130000


def _sqlstate(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return str(getattr(orig, "sqlstate", None) or "")


def _server_text(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    diag = getattr(orig, "diag", None)
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    return str(primary or orig).strip().splitlines()[0] if str(primary or orig).strip() else ""


def explain(exc: BaseException, *, label: str, user: str, dbname: str, where: str) -> DatabaseError:
    """The failure as the DatabaseError a user reads. where is "host:port" or the socket."""
    state = _sqlstate(exc)
    text = _server_text(exc)
    lowered = str(getattr(exc, "orig", None) or exc).lower()
    if state == "3D000" or (f'database "{dbname}" does not exist' in lowered):
        return DatabaseError(
            f"{label}: the database {dbname} does not exist on the server; "
            f"create it: createdb {dbname}"
        )
    if state in ("28P01", "28000") or "password authentication failed" in lowered:
        return DatabaseError(
            f"{label}: the server refused user {user} (authentication failed); check the "
            "user and password (in the URL, PGPASSWORD or ~/.pgpass)"
        )
    if f'role "{user.lower()}" does not exist' in lowered or (
        'role "' in lowered and "does not exist" in lowered
    ):
        return DatabaseError(
            f"{label}: the server has no user {user}; ask the administrator "
            f"(createuser {user}) or name another user in --db"
        )
    if "permission denied for database" in lowered:
        return DatabaseError(
            f"{label}: user {user} may not connect to {dbname}; ask the administrator to "
            f"grant it (GRANT CONNECT ON DATABASE {dbname} TO {user})"
        )
    if "no password supplied" in lowered:
        return DatabaseError(
            f"{label}: the server asks user {user} for a password; give it in PGPASSWORD "
            "or ~/.pgpass"
        )
    if state == "42501":
        return DatabaseError(
            f"{label}: permission denied ({text}); ask the administrator to grant user "
            f"{user} access to the retainer tables"
        )
    if state in ("40001", "40P01", "55P03"):
        return DatabaseBusy(
            f"{label}: the database is busy (another change ran at once); try again"
        )
    if state == "25006":
        return ReadOnlyDatabase(
            f"{label}: the server is read-only (a standby); nothing was changed"
        )
    if state.startswith("08") or _unreachable(lowered):
        return ServerUnreachable(
            f"{label}: cannot reach the PostgreSQL server at {where}; check that it is "
            "running and that --db names the right host and port"
        )
    return DatabaseError(f"{label}: {text or type(exc).__name__}")


def _unreachable(lowered: str) -> bool:
    return any(
        words in lowered
        for words in (
            "connection refused",
            "could not connect",
            "connection failed",
            "could not translate host name",
            "no such file or directory",
            "server closed the connection",
            "connection timeout",
            "timeout expired",
            "the connection is closed",
            "consuming input failed",
            "terminating connection",
        )
    )


def too_old(label: str, version: int) -> DatabaseError:
    major = version // 10000
    return DatabaseError(
        f"{label}: the server runs PostgreSQL {major}; retainer needs PostgreSQL "
        f"{MIN_SERVER_VERSION // 10000} or newer"
    )
