"""Settings in config.toml: read with tomllib, written with tomli-w. No Textual here."""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import tomli_w

from retainer_tui import paths


class ConfigError(Exception):
    """A config file that cannot be used; the message names the file and the place."""


@dataclass(frozen=True)
class Settings:
    currency: str = "USD"
    tolerance: float = 0.2
    late_payment_grace_days: int = 7
    default_report_due_day: int = 5
    theme: str = "textual-dark"
    backups_kept: int = 14
    yearly_goal: int = 100_000  # in the currency's units: the "six figures" gauge
    keymap: dict[str, str] = field(default_factory=dict)
    # The database when neither --db nor $RETAINER_DB names one: a path or a postgresql:// URL.
    database: str = ""
    # Who signs the changes made from this machine (default: the login name).
    user: str = ""
    # The profile that signs the proposal email ("Best regards," then these lines).
    name: str = ""
    business: str = ""
    email: str = ""
    signature: str = ""  # several lines; when set, used in place of name, business, email

    @property
    def has_profile(self) -> bool:
        return any(x.strip() for x in (self.name, self.business, self.email, self.signature))

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)


# ISO 4217 codes are three ASCII letters; "eur" is read as EUR.
_CURRENCY = re.compile(r"[A-Za-z]{3}")

_KNOWN: dict[str, type | tuple[type, ...]] = {
    "currency": str,
    "tolerance": (int, float),
    "late_payment_grace_days": int,
    "default_report_due_day": int,
    "theme": str,
    "backups_kept": int,
    "yearly_goal": int,
    "keymap": dict,
    "database": str,
    "user": str,
    "name": str,
    "business": str,
    "email": str,
    "signature": str,
}

PROFILE_KEYS = ("name", "business", "email", "signature")


def _check(path: Path, data: dict[str, Any]) -> Settings:
    for key, value in data.items():
        if key not in _KNOWN:
            raise ConfigError(f"{path}: unknown setting {key!r}; remove it or fix its name")
        expected = _KNOWN[key]
        if isinstance(value, bool) or not isinstance(value, expected):
            raise ConfigError(f"{path}: setting {key!r} has the wrong type ({value!r})")
    settings = Settings(**data)
    # Refused, not replaced by a default: a new database takes this currency for good.
    if not _CURRENCY.fullmatch(settings.currency):
        shown = json.dumps(settings.currency, ensure_ascii=False)
        raise ConfigError(
            f"{path}: currency = {shown}: not a 3-letter ISO 4217 code such as USD or EUR"
        )
    if not 0 <= settings.tolerance < 1:
        raise ConfigError(f"{path}: tolerance must be at least 0 and below 1")
    if not 0 <= settings.late_payment_grace_days <= 60:
        raise ConfigError(f"{path}: late_payment_grace_days must be between 0 and 60")
    if not 1 <= settings.default_report_due_day <= 28:
        raise ConfigError(f"{path}: default_report_due_day must be between 1 and 28")
    if not 1 <= settings.backups_kept <= 1000:
        raise ConfigError(f"{path}: backups_kept must be between 1 and 1000")
    if not 1 <= settings.yearly_goal <= 1_000_000_000:
        raise ConfigError(f"{path}: yearly_goal must be a whole amount from 1 to 1,000,000,000")
    for action, keys in settings.keymap.items():
        if not isinstance(keys, str) or not keys.strip():
            raise ConfigError(f"{path}: keymap.{action} must be a key name such as 'ctrl+n'")
    if settings.user and (len(settings.user) > 80 or not settings.user.isprintable()):
        raise ConfigError(f"{path}: user must be a name of at most 80 printable characters")
    for key in ("name", "business", "email"):
        text = getattr(settings, key)
        if len(text) > 120 or not text.isprintable():
            raise ConfigError(f"{path}: {key} must be one line of at most 120 characters")
    if len(settings.signature) > 1000 or not all(
        line.isprintable() for line in settings.signature.splitlines()
    ):
        raise ConfigError(f"{path}: signature must be printable text of at most 1000 characters")
    _check_password(path, settings.database)
    return replace(settings, currency=settings.currency.upper())


def _check_password(path: Path, database: str) -> None:
    """A database URL with a password in a file others can read is refused: the
    password would be everyone's on this machine."""
    from retainer_tui.db.pg_url import has_password

    if not has_password(database):
        return
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if mode & 0o077:
        raise ConfigError(
            f"{path}: holds a database password and others can read it; "
            f"run chmod 600 {path} (or move the password to ~/.pgpass)"
        )


def load_settings(path: Path | None = None) -> Settings:
    """The settings in force: defaults where the file is missing or silent."""
    path = path or paths.config_file()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text; fix or delete the file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML ({exc}); fix or delete the file") from None
    return _check(path, data)


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write every setting (a new file), readable by its owner only."""
    data = {k: v for k, v in asdict(settings).items() if not (k == "keymap" and not v)}
    _write_private(path or paths.config_file(), tomli_w.dumps(data))


def save_setting(key: str, value: str | int | float, path: Path | None = None) -> None:
    """Change one top-level setting in config.toml and keep every other byte of the file
    (the user's comments, order and spacing): the file is the user's, the app only sets
    what the user chose in it (the theme, by ctrl+t). A missing file gets that one line."""
    import tomlkit

    if key not in _KNOWN or key == "keymap":
        raise ValueError(f"not a top-level setting: {key}")
    path = path or paths.config_file()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read ({exc}); nothing was saved") from None
    try:
        doc = tomlkit.parse(text)
    except tomlkit.exceptions.ParseError as exc:
        raise ConfigError(f"{path}: invalid TOML ({exc}); nothing was saved") from None
    doc[key] = value
    _write_private(path, tomlkit.dumps(doc))


def _write_private(path: Path, text: str) -> None:
    """Readable by its owner only (whatever the umask), through a temporary file so that a
    crash never truncates it."""
    _make_private_folder(path.parent)
    tmp = path.with_suffix(".toml.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # a leftover temporary file keeps its old mode otherwise
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _make_private_folder(folder: Path) -> None:
    """Create the folder (and missing parents) 0700; a folder that exists is left alone."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    for parent in reversed(missing):
        try:
            parent.mkdir(mode=0o700)
        except FileExistsError:
            continue
        os.chmod(parent, 0o700)  # mkdir's mode is cut by the umask
