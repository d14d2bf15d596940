"""The README's key map, written from the key registry so the two never disagree."""

from __future__ import annotations

from retainer_tui.tui.keys import APP_KEYS, KEYS_BY_SCREEN, KeySpec, key_label

# Screens in the order a user meets them, with the names people call them.
TITLES = {
    "dashboard": "Dashboard",
    "client": "Client detail",
    "results": "Monthly results grid",
    "client-form": "Client form",
    "goals": "Goals",
    "metric-form": "New metric",
    "tiers": "Tiers",
    "tier-form": "Tier form",
    "payment": "Payment",
    "report-mark": "Report sent",
    "reports": "Reports queue",
    "report": "Report preview",
    "highlights": "Highlights editor",
    "pipeline": "Pipeline",
    "proposal": "Proposal",
    "welcome": "Welcome",
    "help": "Help",
}


def _keys(spec: KeySpec) -> str:
    return " ".join(f"`{key_label(k.strip())}`" for k in spec.key.split(","))


def keymap_markdown() -> str:
    """One table per screen: keys, what they do, and the id to remap them in config.toml."""
    scopes = sorted(KEYS_BY_SCREEN, key=lambda s: (list(TITLES).index(s) if s in TITLES else 99, s))
    parts = [
        (
            "Everywhere",
            APP_KEYS
            + (
                KeySpec(
                    "palette",
                    "ctrl+p",
                    "command_palette",
                    "Palette",
                    "Command palette: every action, go to client, go to month",
                    "General",
                ),
            ),
        )
    ]
    parts += [(TITLES.get(s, s.replace("-", " ").capitalize()), KEYS_BY_SCREEN[s]) for s in scopes]
    lines: list[str] = []
    for title, specs in parts:
        if not specs:
            continue
        lines += [f"**{title}**", "", "| Keys | Does | Id |", "| --- | --- | --- |"]
        lines += [f"| {_keys(s)} | {s.help} | `{s.id}` |" for s in specs]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
