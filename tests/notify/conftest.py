"""Real receivers on 127.0.0.1 for the notification tests: an SMTP server (aiosmtpd, with a login)
and an HTTP server that takes webhook posts."""

from __future__ import annotations

import email
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.serve.conftest import free_port

SMTP_USER, SMTP_PASSWORD = "analytics", "s3cret-smtp-password"


class Mailbox:
    def __init__(self):
        self.messages: list[email.message.Message] = []
        self.logins: list[str] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.content)
        message["X-Envelope-To"] = ",".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"

    def to(self, address: str) -> list[email.message.Message]:
        return [m for m in self.messages if m["X-Envelope-To"] == address]


class Hooks:
    """Posts received, by path; a path in `fail` answers 500, one in `redirect` answers 302."""

    def __init__(self):
        self.posts: dict[str, list[dict]] = {}
        self.fail: set[str] = set()
        self.redirect: set[str] = set()


@pytest.fixture
def smtp_server():
    mailbox = Mailbox()

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login.decode(), auth_data.password.decode()) == (
            SMTP_USER,
            SMTP_PASSWORD,
        )
        if ok:
            mailbox.logins.append(auth_data.login.decode())
        return AuthResult(success=ok)

    port = free_port()
    controller = Controller(
        mailbox, hostname="127.0.0.1", port=port, authenticator=authenticate, auth_require_tls=False, auth_required=True
    )
    controller.start()
    yield mailbox, port
    controller.stop()


@pytest.fixture
def webhook_server():
    hooks = Hooks()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's hook name
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.path in hooks.redirect:
                self.send_response(302)
                self.send_header("Location", "http://127.0.0.1:1/elsewhere")
                self.end_headers()
                return
            hooks.posts.setdefault(self.path, []).append(json.loads(body))
            self.send_response(500 if self.path in hooks.fail else 200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield hooks, server.server_address[1]
    server.shutdown()
    server.server_close()
