"""Sending one message: a webhook POST or an email (SPEC §9).

A webhook gets `{"text": ...}`, which Slack and Teams incoming webhooks accept as it is; only
`https://` (or `http://` to a host ANALYTICS_WEBHOOK_HTTP_HOSTS names), a short timeout, and no
redirect followed (a redirect could carry the message, and the secret in its URL, elsewhere).
An email is plain text (nothing in it is markup) with a subject stripped of line breaks, so an
organisation's or a user's name can inject neither headers nor HTML. Errors name what failed,
never the URL.
"""

from __future__ import annotations

import json
import smtplib
import ssl
import urllib.error
import urllib.parse
import urllib.request
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from .config import ConfigError, NotifyConfig


class DeliveryError(RuntimeError):
    """One attempt failed; the message says why, without any secret."""


def render_text(message: dict) -> str:
    lines = [message["title"], *message.get("lines", [])]
    if message.get("link"):
        lines.append(message["link"])
    return "\n".join(lines)


def check_webhook_url(url: str, http_hosts: frozenset[str] = frozenset()) -> None:
    parts = urllib.parse.urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host or parts.username or parts.password:
        raise ConfigError("a webhook must be a URL like https://hooks.example.com/…, without a user or password")
    if parts.scheme == "https" or (parts.scheme == "http" and host in http_hosts):
        return
    raise ConfigError("a webhook must use https:// (http:// only to a host named in ANALYTICS_WEBHOOK_HTTP_HOSTS)")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise DeliveryError(f"the webhook answered a redirect (HTTP {code}); redirects are not followed")


def send_webhook(url: str, message: dict, config: NotifyConfig) -> None:
    try:
        check_webhook_url(url, config.http_hosts)
    except ConfigError as exc:
        raise DeliveryError(str(exc)) from None
    body = json.dumps({"text": render_text(message)}).encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=config.timeout) as response:
            response.read(1024)
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"the webhook answered HTTP {exc.code}") from None
    except urllib.error.URLError as exc:
        raise DeliveryError(f"the webhook could not be reached: {exc.reason}") from None
    except TimeoutError:
        raise DeliveryError(f"the webhook did not answer within {config.timeout:.0f} s") from None
    except OSError as exc:
        raise DeliveryError(f"the webhook could not be reached: {exc.strerror or exc}") from None


def one_line(text: str) -> str:
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def send_email(address: str, message: dict, config: NotifyConfig) -> None:
    smtp = config.smtp
    if smtp is None:
        raise DeliveryError("no SMTP server configured (ANALYTICS_SMTP_HOST)")
    email = EmailMessage()
    email["Subject"] = one_line(message["title"])[:200]
    email["From"] = smtp.sender
    email["To"] = address
    email["Date"] = formatdate(usegmt=True)
    email["Message-ID"] = make_msgid(domain="analytics.local")
    email.set_content(render_text(message) + "\n")
    step = "connecting"
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=config.timeout) as client:
            if smtp.starttls:
                step = "STARTTLS"
                client.starttls(context=ssl.create_default_context())
            if smtp.user:
                step = "login"
                client.login(smtp.user, smtp.password or "")
            step = "sending"
            client.send_message(email)
    except (smtplib.SMTPAuthenticationError, smtplib.SMTPServerDisconnected) as exc:
        if step != "login":
            raise DeliveryError(f"the SMTP server closed the connection while {step}") from None
        code = f" (code {exc.smtp_code})" if isinstance(exc, smtplib.SMTPAuthenticationError) else ""
        raise DeliveryError(f"the SMTP server refused the login of {smtp.user}{code}") from None
    except smtplib.SMTPResponseException as exc:
        raise DeliveryError(f"the SMTP server answered {exc.smtp_code}") from None
    except smtplib.SMTPException as exc:
        raise DeliveryError(f"SMTP failed: {type(exc).__name__}") from None
    except ssl.SSLError as exc:
        raise DeliveryError(f"STARTTLS with {smtp.host}:{smtp.port} failed: {exc.reason}") from None
    except OSError as exc:
        raise DeliveryError(f"the SMTP server {smtp.host}:{smtp.port} could not be reached: {exc.strerror or exc}") from None
