"""The trust suite's fixtures (its report line is printed by tests/conftest.py)."""

from __future__ import annotations

# The Pilot tests' app fixtures, shared (tests/ui/conftest.py owns them).
from tests.ui.conftest import make_app  # noqa: F401
