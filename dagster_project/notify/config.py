"""Where notifications go and how, from ANALYTICS_* environment variables (SPEC §9).

Secrets (the SMTP password, webhook URLs) are read here and never printed: `describe()` names the
channels without them.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..settings import PROJECT_ROOT


class ConfigError(ValueError):
    """A notification setting that cannot work, in one line naming the variable."""


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    sender: str
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = False


@dataclass(frozen=True)
class NotifyConfig:
    store: Path
    warehouse: Path
    ops_webhook: str | None = field(default=None, repr=False)
    ops_emails: tuple[str, ...] = ()
    smtp: SmtpConfig | None = None
    http_hosts: frozenset[str] = frozenset()
    stale_after: dt.time = dt.time(6, 0)
    dagster_url: str = "http://127.0.0.1:3000"
    timeout: float = 10.0

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> NotifyConfig:
        env = dict(os.environ if env is None else env)
        return cls(
            store=store_path(env),
            warehouse=published_path(env),
            ops_webhook=env.get("ANALYTICS_OPS_WEBHOOK") or None,
            ops_emails=tuple(a.strip() for a in env.get("ANALYTICS_OPS_EMAIL", "").split(",") if a.strip()),
            smtp=smtp_from_env(env),
            http_hosts=frozenset(h.strip().lower() for h in env.get("ANALYTICS_WEBHOOK_HTTP_HOSTS", "").split(",") if h.strip()),
            stale_after=parse_hour(env.get("ANALYTICS_STALE_AFTER", "06:00")),
            dagster_url=(env.get("ANALYTICS_DAGSTER_URL") or "http://127.0.0.1:3000").rstrip("/"),
        )

    def describe(self) -> list[str]:
        """The configured channels, without any secret."""
        lines = [f"store: {self.store}"]
        lines.append("operators' webhook: " + ("set (ANALYTICS_OPS_WEBHOOK)" if self.ops_webhook else "none"))
        lines.append("operators' email: " + (", ".join(self.ops_emails) or "none"))
        if self.smtp:
            login = f", login as {self.smtp.user}" if self.smtp.user else ""
            tls = ", STARTTLS" if self.smtp.starttls else ""
            lines.append(f"SMTP: {self.smtp.host}:{self.smtp.port} from {self.smtp.sender}{tls}{login}")
        else:
            lines.append("SMTP: none (ANALYTICS_SMTP_HOST unset): email targets are not sent")
        return lines


def published_path(env: dict[str, str]) -> Path:
    return Path(env.get("ANALYTICS_WAREHOUSE") or PROJECT_ROOT / "warehouse" / "analytics.duckdb").resolve()


def store_path(env: dict[str, str] | None = None) -> Path:
    """ANALYTICS_NOTIFICATIONS, or beside the key store (whose default folder is the published
    warehouse's): a rebuilt warehouse keeps its ledger, so nothing is sent twice."""
    env = os.environ if env is None else env
    if env.get("ANALYTICS_NOTIFICATIONS"):
        return Path(env["ANALYTICS_NOTIFICATIONS"]).resolve()
    beside = Path(env["ANALYTICS_API_KEYS"]) if env.get("ANALYTICS_API_KEYS") else published_path(env)
    return beside.resolve().parent / "notifications.sqlite"


def parse_hour(value: str) -> dt.time:
    try:
        return dt.time.fromisoformat(value.strip())
    except ValueError:
        raise ConfigError(f"ANALYTICS_STALE_AFTER must be an hour of the day, UTC, like 06:00; not {value!r}") from None


def smtp_from_env(env: dict[str, str]) -> SmtpConfig | None:
    host = env.get("ANALYTICS_SMTP_HOST", "").strip()
    if not host:
        return None
    starttls = env.get("ANALYTICS_SMTP_STARTTLS", "").strip().lower() in {"1", "true", "yes", "on"}
    try:
        port = int(env.get("ANALYTICS_SMTP_PORT") or (587 if starttls else 25))
    except ValueError:
        raise ConfigError(f"ANALYTICS_SMTP_PORT must be a number, not {env.get('ANALYTICS_SMTP_PORT')!r}") from None
    password = env.get("ANALYTICS_SMTP_PASSWORD") or None
    password_file = env.get("ANALYTICS_SMTP_PASSWORD_FILE")
    if password_file:
        try:
            password = Path(password_file).read_text().strip()
        except OSError as exc:
            raise ConfigError(f"ANALYTICS_SMTP_PASSWORD_FILE {password_file} cannot be read: {exc.strerror}") from None
    sender = env.get("ANALYTICS_SMTP_FROM") or f"analytics@{host}"
    return SmtpConfig(host, port, sender, env.get("ANALYTICS_SMTP_USER") or None, password, starttls)
