"""retainer-tui: monthly retainers, goals, results and reports in the terminal."""

__version__ = "0.1.0"
