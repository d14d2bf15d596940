"""Copying that tells the truth: the system's clipboard tool when there is one (then the
text is there for sure), else the terminal's OSC 52 (which tmux and some terminals drop
unless told to pass it on), and a message that says which."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence

# The tools, each with when it can work and how it is called.
TOOLS: tuple[tuple[str, Callable[[Mapping[str, str]], bool], Sequence[str]], ...] = (
    ("wl-copy", lambda env: bool(env.get("WAYLAND_DISPLAY")), ("wl-copy",)),
    ("xclip", lambda env: bool(env.get("DISPLAY")), ("xclip", "-selection", "clipboard")),
    ("xsel", lambda env: bool(env.get("DISPLAY")), ("xsel", "--clipboard", "--input")),
    ("pbcopy", lambda env: sys.platform == "darwin", ("pbcopy",)),
)
TOOL_TIMEOUT_S = 3


def system_tool(env: Mapping[str, str] | None = None) -> Sequence[str] | None:
    """The command line of the first clipboard tool installed and usable here."""
    env = os.environ if env is None else env
    for name, usable, argv in TOOLS:
        if usable(env) and shutil.which(name):
            return argv
    return None


def copy_text(text: str, osc52: Callable[[str], None]) -> str:
    """Put text on the clipboard; the sentence that says where it went. The terminal's
    way is always tried too (the app keeps the text for its own paste)."""
    osc52(text)
    argv = system_tool()
    if argv is not None:
        try:
            subprocess.run(
                argv,
                input=text.encode("utf-8"),
                check=True,
                timeout=TOOL_TIMEOUT_S,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            return f"on the clipboard ({argv[0]})"
        except (OSError, subprocess.SubprocessError):
            pass  # only the terminal's way, and said so
    inside_tmux = "TMUX" in os.environ
    return "sent to the terminal's clipboard (OSC 52" + (
        "; in tmux it arrives only with `set -g set-clipboard on`)" if inside_tmux else ")"
    )
