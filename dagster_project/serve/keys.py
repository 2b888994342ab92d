"""API keys (SPEC §7): random secrets shown once, stored only as a hash, compared in constant time.

A key reads `uak_<id>_<secret>`: the id finds the row, the 32-byte random secret proves it. The
store (ANALYTICS_API_KEYS, default warehouse/api_keys.sqlite) keeps id, organisation, role, name,
the secret's SHA-256, created / last-used / revoked times. A fast hash is right here: the secret
is 256 random bits, not a password, so nothing can be guessed from its hash.

    python -m dagster_project.serve.keys create --org org_0003 --role owner [--name "BI export"]
    python -m dagster_project.serve.keys list
    python -m dagster_project.serve.keys revoke <id>
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import hmac
import re
import secrets
import sqlite3
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROLES = ("primary_owner", "owner", "admin")
KEY_FORMAT = re.compile(r"^uak_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
ORGANIZATION_ID = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$")
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


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class KeyStore:
    def __init__(self, path: Path):
        self.path = path
        self._local = threading.local()
        self._last_used: dict[str, float] = {}
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.execute("""create table if not exists api_keys (
                id text primary key, organization_id text not null, role text not null, name text not null,
                secret_sha256 text not null, created_at text not null, last_used_at text, revoked_at text)""")
            conn.execute("create table if not exists server_secrets (name text primary key, value text not null)")
        path.chmod(0o600)

    def _connect(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            conn.execute("pragma journal_mode=wal")
            self._local.conn = conn
        return conn

    def create(self, organization_id: str, role: str, name: str = "") -> tuple[ApiKey, str]:
        """A new key; the secret is returned once and never stored."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
        if not ORGANIZATION_ID.match(organization_id):
            raise ValueError(f"{organization_id!r} is not an organisation id")
        key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        created = now()
        self._connect().execute(
            "insert into api_keys (id, organization_id, role, name, secret_sha256, created_at) values (?, ?, ?, ?, ?, ?)",
            (key_id, organization_id, role, name, digest(secret), created))
        return ApiKey(key_id, organization_id, role, name, created, None, None), f"uak_{key_id}_{secret}"

    def list(self) -> list[ApiKey]:
        rows = self._connect().execute(
            "select id, organization_id, role, name, created_at, last_used_at, revoked_at from api_keys "
            "order by created_at, id").fetchall()
        return [ApiKey(*row) for row in rows]

    def get(self, key_id: str) -> ApiKey | None:
        """An active (not revoked) key by id: a dashboard session holds only the id."""
        row = self._connect().execute(
            "select id, organization_id, role, name, created_at, last_used_at, revoked_at from api_keys "
            "where id = ? and revoked_at is null", (key_id,)).fetchone()
        return ApiKey(*row) if row else None

    def revoke(self, key_id: str) -> bool:
        cursor = self._connect().execute(
            "update api_keys set revoked_at = ? where id = ? and revoked_at is null", (now(), key_id))
        return cursor.rowcount == 1

    def verify(self, presented: str | None) -> ApiKey | None:
        """The key `presented` belongs to, if it is valid and not revoked."""
        match = KEY_FORMAT.match(presented or "")
        if not match:
            return None
        key_id, secret = match.groups()
        row = self._connect().execute(
            "select id, organization_id, role, name, created_at, last_used_at, revoked_at, secret_sha256 "
            "from api_keys where id = ?", (key_id,)).fetchone()
        # compare even when the id is unknown, so that timing does not tell ids apart
        expected = row[7] if row else digest("unknown key")
        if not hmac.compare_digest(digest(secret), expected) or row is None or row[6] is not None:
            return None
        self._touch(key_id)
        return ApiKey(*row[:7])

    def _touch(self, key_id: str) -> None:
        moment = time.monotonic()
        if moment - self._last_used.get(key_id, -LAST_USED_EVERY) >= LAST_USED_EVERY:
            self._last_used[key_id] = moment
            self._connect().execute("update api_keys set last_used_at = ? where id = ?", (now(), key_id))

    def server_secret(self, name: str) -> bytes:
        """A random secret of this deployment (signs cursors and sessions), made on first use."""
        conn = self._connect()
        conn.execute("insert or ignore into server_secrets (name, value) values (?, ?)", (name, secrets.token_hex(32)))
        return bytes.fromhex(conn.execute("select value from server_secrets where name = ?", (name,)).fetchone()[0])


def main(argv: list[str] | None = None) -> int:
    from .config import ServeSettings

    parser = argparse.ArgumentParser(prog="python -m dagster_project.serve.keys", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create", help="make a key; its secret is printed once, as the last line")
    create.add_argument("--org", required=True)
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument("--name", default="")
    sub.add_parser("list", help="every key, without secrets")
    revoke = sub.add_parser("revoke", help="revoke a key by id")
    revoke.add_argument("id")
    args = parser.parse_args(argv)
    store = KeyStore(ServeSettings.from_env().api_keys)
    if args.command == "create":
        try:
            key, secret = store.create(args.org, args.role, args.name)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(f"created key {key.id} for {key.organization_id} ({key.role}{', ' + key.name if key.name else ''}).")
        print("The secret below is shown once; store it now (it is kept only as a hash):")
        print(secret)
    elif args.command == "list":
        print(f"{'id':<14}{'organization':<18}{'role':<15}{'created':<27}{'last used':<27}{'revoked':<27}name")
        for key in store.list():
            print(f"{key.id:<14}{key.organization_id:<18}{key.role:<15}{key.created_at:<27}"
                  f"{key.last_used_at or '-':<27}{key.revoked_at or '-':<27}{key.name}")
    elif not store.revoke(args.id):
        print(f"error: no active key with id {args.id!r} (see `make api-keys`)", file=sys.stderr)
        return 1
    else:
        print(f"revoked key {args.id}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
