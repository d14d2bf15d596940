"""`python -m retainer_tui` runs the command line."""

from retainer_tui.cli import main

raise SystemExit(main())
