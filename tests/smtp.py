"""A real SMTP server on loopback (aiosmtpd) for tests that read the mail the portal sends.

    def test_something(smtp_server):
        ...  # mail sent now goes over SMTP to smtp_server (the fixture points the settings at it)
        (message,) = smtp_server.wait_for(1)
        assert message["To"] == "mom@test.local"

Each received message is parsed into an email.message.EmailMessage (policy=default: headers decoded, so a
Korean Subject reads as Korean; message.get_body(("plain",)).get_content() is the decoded text). The fixture
works with a live server too (it runs in the same process)."""

import email
import email.policy
import socket
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


class _Collect:
    def __init__(self, server: "SMTPServer"):
        self.server = server

    async def handle_DATA(self, smtp, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.server._arrived:
            self.server.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self.server.raw.append(envelope.content)
            self.server.messages.append(message)
            self.server._arrived.notify_all()
        return "250 Message accepted for delivery"


@dataclass
class SMTPServer:
    host: str
    port: int = 0
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)  # (MAIL FROM, RCPT TOs) per message
    raw: list[bytes] = field(default_factory=list)  # each message as it came over the wire
    _arrived: threading.Condition = field(default_factory=threading.Condition, repr=False)

    def wait_for(self, count: int = 1, timeout: float = 10.0) -> list[EmailMessage]:
        """Wait until at least `count` messages arrived; return them all. Fails the test on timeout."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    pytest.fail(f"expected {count} mail(s) on {self.host}:{self.port}, got {len(self.messages)}")
                self._arrived.wait(left)
            return list(self.messages)


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """Start an SMTP server on 127.0.0.1 and send the portal's mail to it (plain SMTP, no TLS, no login)."""
    server = SMTPServer(host="127.0.0.1")
    controller = None
    for _attempt in range(5):  # another process may take the free port between finding and binding it
        server.port = _free_port(server.host)
        controller = Controller(_Collect(server), hostname=server.host, port=server.port, ready_timeout=10)
        try:
            controller.start()
            break
        except (OSError, RuntimeError):
            controller = None
    if controller is None:
        pytest.fail("could not start the loopback SMTP server")

    if hasattr(settings, "MAILERS"):  # Django 6.1's MAILERS setting, once the project moves to it
        settings.MAILERS = {
            **settings.MAILERS,
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": server.host, "port": server.port, "use_tls": False, "use_ssl": False},
            },
        }
    else:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = server.host
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield server
    finally:
        controller.stop()
