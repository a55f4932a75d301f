"""A real SMTP server (aiosmtpd) on a loopback port for the outbound tests: it keeps what it
receives and refuses chosen recipients with chosen replies."""

import shutil
import socket
import ssl
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword


@dataclass
class RecordingHandler:
    """Accepts mail; `refusals` maps a recipient to the reply its RCPT gets (e.g. '550 ...')."""

    received: list[Envelope] = field(default_factory=list)
    refusals: dict[str, str] = field(default_factory=dict)
    data_reply: str | None = None  # answer DATA with this instead of 250

    async def handle_RCPT(
        self, _server: Any, _session: Any, envelope: Envelope, address: str, _options: Any
    ) -> str:
        refusal = self.refusals.get(address.lower())
        if refusal is not None:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Envelope) -> str:
        if self.data_reply is not None:
            return self.data_reply
        self.received.append(envelope)
        return "250 Message accepted for delivery"


@dataclass
class PasswordCheck:
    """An aiosmtpd authenticator that accepts one login."""

    username: str
    password: str
    attempts: list[str] = field(default_factory=list)

    def __call__(
        self, _server: Any, _session: Any, _envelope: Any, _mechanism: str, auth_data: Any
    ) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login = auth_data.login.decode()
        self.attempts.append(login)
        ok = login == self.username and auth_data.password.decode() == self.password
        return AuthResult(success=ok, handled=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server(handler: RecordingHandler, **smtp_options: Any) -> Iterator[int]:
    """Run aiosmtpd on 127.0.0.1 while the block runs; yields its port. `smtp_options` go to
    aiosmtpd (tls_context, require_starttls, authenticator, auth_require_tls, ssl_context)."""
    implicit_tls = smtp_options.pop("ssl_context", None)
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=free_port(),
        ssl_context=implicit_tls,
        server_hostname="localhost",
        **smtp_options,
    )
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()


@dataclass(frozen=True)
class SelfSigned:
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context

    def client_context(self) -> ssl.SSLContext:
        """Verifies the server against this certificate: hostname checks stay on."""
        return ssl.create_default_context(cafile=str(self.cert))


def make_self_signed(directory: Path) -> SelfSigned | None:
    """A certificate for 127.0.0.1/localhost made with the openssl CLI; None without openssl."""
    openssl = shutil.which("openssl")
    if openssl is None:
        return None
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return SelfSigned(cert, key)
