"""API keys (SPEC §7): random secrets shown once, stored only as a hash, compared in constant time.

A key reads `uak_<id>_<secret>`: the id finds the row, the 32-byte random secret proves it. The
store (ANALYTICS_API_KEYS, default warehouse/api_keys.sqlite) keeps id, organisation, role, name,
the secret's SHA-256, created / last-used / revoked times. A fast hash is right here: the secret
is 256 random bits, not a password, so nothing can be guessed from its hash.

A key may expire (`--expires-days`); an expired key is refused like a revoked one.

Dashboard sessions (SPEC §8) live here too: a session is a random token in the browser's
cookie, stored only as its SHA-256 with its key and expiry. Signing out deletes it and revoking the
key deletes all of its key's sessions, so a copied cookie dies with them; nothing in this store
lets anyone make a valid cookie (there is no signing secret to steal).

    python -m dagster_project.serve.core.keys create --org org_0003 --role owner [--name "BI export"] [--expires-days 90]
    python -m dagster_project.serve.core.keys list
    python -m dagster_project.serve.core.keys revoke <id>
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import hmac
import logging
import re
import secrets
import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from ...core.names import is_safe_name
from .server_state import SharedSQLite

log = logging.getLogger(__name__)

ROLES = ("primary_owner", "owner", "admin")
KEY_FORMAT = re.compile(r"^uak_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
LAST_USED_EVERY = 60.0  # seconds: a key in constant use is not written on every request


@dataclass(frozen=True)
class ApiKey:
    id: str
    organization_id: str
    role: str
    name: str
    created_at: str
    last_used_at: str | None
    revoked_at: str | None
    expires_at: str | None = None


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def later(seconds: int) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)).isoformat(timespec="seconds")


KEY_COLUMNS = "id, organization_id, role, name, created_at, last_used_at, revoked_at, expires_at"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class KeyStore:
    def __init__(self, path: Path, timeout: float = 10.0):
        self.path = path
        self._db = SharedSQLite(path, timeout=timeout)
        self._last_used: dict[str, float] = {}
        with self._connect() as conn:
            conn.execute("""create table if not exists api_keys (
                id text primary key, organization_id text not null, role text not null, name text not null,
                secret_sha256 text not null, created_at text not null, last_used_at text, revoked_at text)""")
            conn.execute("create table if not exists server_secrets (name text primary key, value text not null)")
            columns = {row[1] for row in conn.execute("pragma table_info(api_keys)")}
            if "expires_at" not in columns:  # a store made before keys could expire
                conn.execute("alter table api_keys add column expires_at text")
            conn.execute("""create table if not exists sessions (
                token_sha256 text primary key, key_id text not null, created_at text not null, expires_at text not null)""")
            # sessions are signed no more: a secret kept here could forge them (SPEC §8)
            conn.execute("delete from server_secrets where name = 'sessions'")
        path.chmod(0o600)

    def _connect(self) -> sqlite3.Connection:
        return self._db.connect()

    def create(self, organization_id: str, role: str, name: str = "", expires_days: int | None = None) -> tuple[ApiKey, str]:
        """A new key; the secret is returned once and never stored."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
        if not is_safe_name(organization_id):
            raise ValueError(f"{organization_id!r} is not an organisation id")
        if expires_days is not None and not 1 <= expires_days <= 3650:
            raise ValueError(f"expiry must be 1 to 3650 days, not {expires_days}")
        key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        created = now()
        expires = later(expires_days * 86400) if expires_days else None
        self._connect().execute(
            "insert into api_keys (id, organization_id, role, name, secret_sha256, created_at, expires_at) "
            "values (?, ?, ?, ?, ?, ?, ?)",
            (key_id, organization_id, role, name, digest(secret), created, expires),
        )
        return ApiKey(key_id, organization_id, role, name, created, None, None, expires), f"uak_{key_id}_{secret}"

    def list(self) -> list[ApiKey]:
        rows = self._connect().execute(f"select {KEY_COLUMNS} from api_keys order by created_at, id").fetchall()
        return [ApiKey(*row) for row in rows]

    def get(self, key_id: str) -> ApiKey | None:
        """An active (not revoked, not expired) key by id."""
        row = (
            self._connect()
            .execute(
                f"select {KEY_COLUMNS} from api_keys where id = ? and revoked_at is null "
                "and (expires_at is null or expires_at > ?)",
                (key_id, now()),
            )
            .fetchone()
        )
        return ApiKey(*row) if row else None

    def revoke(self, key_id: str) -> bool:
        conn = self._connect()
        cursor = conn.execute("update api_keys set revoked_at = ? where id = ? and revoked_at is null", (now(), key_id))
        conn.execute("delete from sessions where key_id = ?", (key_id,))  # its dashboard sessions end at once
        return cursor.rowcount == 1

    # -- dashboard sessions --------------------------------------------------------------------
    def start_session(self, key_id: str, seconds: int) -> str:
        """A new session of `key_id`: the token for the cookie (stored only as a hash)."""
        token = secrets.token_urlsafe(32)
        conn = self._connect()
        conn.execute("delete from sessions where expires_at <= ?", (now(),))  # keep the table small
        conn.execute("insert into sessions values (?, ?, ?, ?)", (digest(token), key_id, now(), later(seconds)))
        return token

    def session_key(self, token: str | None) -> ApiKey | None:
        """The active key of a live session token; None for an unknown, ended or expired one."""
        if not token or len(token) > 128:
            return None
        row = (
            self._connect()
            .execute("select key_id from sessions where token_sha256 = ? and expires_at > ?", (digest(token), now()))
            .fetchone()
        )
        return self.get(row[0]) if row else None

    def end_session(self, token: str | None) -> None:
        if token and len(token) <= 128:
            self._connect().execute("delete from sessions where token_sha256 = ?", (digest(token),))

    def verify(self, presented: str | None) -> ApiKey | None:
        """The key `presented` belongs to, if it is valid and not revoked."""
        match = KEY_FORMAT.match(presented or "")
        if not match:
            return None
        key_id, secret = match.groups()
        row = self._connect().execute(f"select {KEY_COLUMNS}, secret_sha256 from api_keys where id = ?", (key_id,)).fetchone()
        # compare even when the id is unknown, so that timing does not tell ids apart
        expected = row[8] if row else digest("unknown key")
        if not hmac.compare_digest(digest(secret), expected) or row is None or row[6] is not None:
            return None
        if row[7] is not None and row[7] <= now():
            return None  # expired
        self._touch(key_id)
        return ApiKey(*row[:8])

    def _touch(self, key_id: str) -> None:
        moment = time.monotonic()
        if moment - self._last_used.get(key_id, -LAST_USED_EVERY) >= LAST_USED_EVERY:
            self._last_used[key_id] = moment
            try:
                self._connect().execute("update api_keys set last_used_at = ? where id = ?", (now(), key_id))
            except sqlite3.OperationalError as exc:  # busy or full: the request goes on, the next use writes it
                self._last_used.pop(key_id, None)
                log.warning("could not record the last use of key %s: %s", key_id, exc)

    def server_secret(self, name: str) -> bytes:
        """A random secret of this deployment (signs page cursors, which name the organisation they
        belong to and are checked against the caller's key), made on first use."""
        conn = self._connect()
        conn.execute("insert or ignore into server_secrets (name, value) values (?, ?)", (name, secrets.token_hex(32)))
        return bytes.fromhex(conn.execute("select value from server_secrets where name = ?", (name,)).fetchone()[0])


def check_organization_exists(warehouse: Path, organization_id: str) -> None:
    """SPEC §7: a key only for an organisation the published warehouse holds."""
    import duckdb

    if not warehouse.exists():
        raise ValueError(f"no published warehouse at {warehouse}: run `make run` first, then make keys for its organisations")
    try:
        with duckdb.connect(str(warehouse), read_only=True) as conn:
            found = conn.execute(
                "select 1 from marts.organizations_daily where organization_id = ? limit 1", [organization_id]
            ).fetchall()
    except duckdb.Error as exc:
        raise ValueError(f"cannot read the published warehouse {warehouse}: {str(exc).splitlines()[0]}") from None
    if not found:
        raise ValueError(
            f"the published warehouse holds no organisation {organization_id!r}: no key made "
            '(see `make sql Q="select distinct organization_id from marts.organizations_daily"`)'
        )


def main(argv: list[str] | None = None) -> int:
    from .config import ServeSettings

    parser = argparse.ArgumentParser(
        prog="python -m dagster_project.serve.core.keys",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create", help="make a key; its secret is printed once, as the last line")
    create.add_argument("--org", required=True)
    create.add_argument("--role", required=True, help=f"one of {', '.join(ROLES)}")
    create.add_argument("--name", default="")
    create.add_argument("--expires-days", default=None, help="the key stops working after this many days")
    sub.add_parser("list", help="every key, without secrets")
    revoke = sub.add_parser("revoke", help="revoke a key by id")
    revoke.add_argument("id")
    args = parser.parse_args(argv)
    settings = ServeSettings.from_env()
    store = KeyStore(settings.api_keys)
    if args.command == "create":
        try:
            # one line in the terms `make api-key` is typed in, not argparse's usage text
            if args.role not in ROLES:
                raise ValueError(f"ROLE must be one of {', '.join(ROLES)}, not {args.role!r}")
            expires = None
            if args.expires_days not in (None, ""):
                if not str(args.expires_days).isdigit() or int(args.expires_days) < 1:
                    raise ValueError(f"EXPIRES must be a number of days, 1 or more, not {args.expires_days!r}")
                expires = int(args.expires_days)
            check_organization_exists(settings.warehouse, args.org)
            key, secret = store.create(args.org, args.role, args.name, expires)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(
            f"created key {key.id} for {key.organization_id} ({key.role}{', ' + key.name if key.name else ''})"
            f"{', expires ' + key.expires_at if key.expires_at else ''}."
        )
        print("The secret below is shown once; store it now (it is kept only as a hash):")
        print(secret)
    elif args.command == "list":
        print(f"{'id':<14}{'organization':<18}{'role':<15}{'created':<27}{'last used':<27}{'revoked':<27}{'expires':<27}name")
        for key in store.list():
            print(
                f"{key.id:<14}{key.organization_id:<18}{key.role:<15}{key.created_at:<27}"
                f"{key.last_used_at or '-':<27}{key.revoked_at or '-':<27}{key.expires_at or '-':<27}{key.name}"
            )
    elif not store.revoke(args.id):
        print(f"error: no active key with id {args.id!r} (see `make api-keys`)", file=sys.stderr)
        return 1
    else:
        print(f"revoked key {args.id}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
