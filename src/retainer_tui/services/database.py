"""What the app (tui/) knows of the database: the type it is handed and the errors it
shows. Named here so that tui/ never imports db/ (tests/unit/test_layering.py): the
screens deal in services, whichever engine is underneath."""

from __future__ import annotations

from retainer_tui.db.base import Database
from retainer_tui.db.errors import DatabaseBusy, DatabaseError, ServerUnreachable

__all__ = ["Database", "DatabaseBusy", "DatabaseError", "ServerUnreachable"]
