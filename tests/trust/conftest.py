"""The trust suite's report line, printed whatever -s or -q say."""

from __future__ import annotations

import pytest

from tests.trust import tally

# The Pilot tests' app fixtures, shared (tests/ui/conftest.py owns them).
from tests.ui.conftest import make_app  # noqa: F401


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if tally.TALLY:
        terminalreporter.write_sep("-", "trust report")
        terminalreporter.write_line(tally.line())
