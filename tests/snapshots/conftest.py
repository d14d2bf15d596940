"""Fixtures for the snapshot tests."""

from __future__ import annotations

from datetime import date

import pytest

from retainer_tui.db.engine import Database
from retainer_tui.services.sample import load_sample_data


@pytest.fixture
def sample_db(db: Database, as_of: date) -> Database:
    """The sample data as of the fixed date."""
    load_sample_data(db, as_of=as_of)
    return db
