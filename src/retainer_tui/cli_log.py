"""`retainer log`: who changed what, and when (the change log every write signs)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def add_log_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    log = sub.add_parser(
        "log",
        parents=[common],
        help="who changed what, and when (newest first)",
        description="List the changes made to the database, newest first: when (UTC), who "
        "(the `user` setting, by default the login name), the action, and each field "
        "before and after.",
    )
    log.add_argument("client", metavar="CLIENT", nargs="?", help="only this client's changes")
    log.add_argument("--since", metavar="YYYY-MM-DD", help="only changes from this day on (UTC)")
    log.add_argument("--json", action="store_true", help="print a JSON object")


def cmd_log(args: argparse.Namespace) -> int:
    from retainer_tui.cli import CommandError, _open, _settings
    from retainer_tui.domain.validation import a_date
    from retainer_tui.services.change_log import read_log
    from retainer_tui.services.reports import ReportError, find_client

    since = a_date(args.since, "--since") if args.since else None
    db = _open(args, _settings(), create=False)
    client_id = None
    if args.client is not None:
        try:
            client_id = find_client(db, args.client).id
        except ReportError as exc:
            raise CommandError(str(exc)) from None
    entries = read_log(db, client_id=client_id, since=since)
    if args.json:
        body = {"changes": [entry.as_json() for entry in entries]}
        sys.stdout.write(json.dumps(body, indent=2, ensure_ascii=False) + "\n")
        return 0
    if not entries:
        sys.stdout.write("No changes recorded" + (" for that client" if args.client else "") + "\n")
        return 0
    for entry in entries:
        when = entry.at.replace("T", " ")[:16]
        what = entry.describe()
        said = f"{entry.action} · {what}" if what else entry.action
        sys.stdout.write(f"{when}  {entry.author}  {said}\n")
    return 0
