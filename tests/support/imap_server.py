"""Start Debian's dovecot on free loopback ports for one test: a real IMAP server to poll.

One static user (`USERNAME` / `PASSWORD`) with a maildir; plain IMAP with STARTTLS and implicit TLS
(IMAPS) on a second port when `openssl` can make a self-signed certificate (`cert_file` is then the
file to trust, e.g. through SSL_CERT_FILE). Dovecot never lets mail processes run as root: when the
tests run as root its files live in their own directory under /tmp, owned by an unprivileged user
(pytest's tmp_path is not reachable for other users); the log is copied to `tmp_path` on exit.
"""

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from imap_tools import MailBoxUnencrypted

DOVECOT = Path("/usr/sbin/dovecot")
USERNAME = "support@example.test"
PASSWORD = "correct horse battery staple"
START_TIMEOUT_SECONDS = 15.0
STOP_GRACE_SECONDS = 0.5
CONFIG = """\
base_dir = {work}/run
state_dir = {work}/state
log_path = {work}/dovecot.log
info_log_path = {work}/dovecot.log
protocols = imap
auth_failure_delay = 0
mail_fsync = never
listen = 127.0.0.1
ssl = {ssl}
{ssl_files}
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
first_valid_uid = {mail_uid}
first_valid_gid = {mail_gid}
mail_location = maildir:{work}/mail/%n
mail_uid = {mail_uid}
mail_gid = {mail_gid}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {work}/users
}}
userdb {{
  driver = static
  args = uid={mail_uid} gid={mail_gid} home={work}/home/%n
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
    ssl = yes
  }}
{unprivileged}}}
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
{unprivileged}}}
"""
UNPRIVILEGED = "  chroot =\n"


def dovecot_missing_reason() -> str | None:
    """Why the IMAP tests cannot run here, or None when they can."""
    if not DOVECOT.is_file():
        return f"{DOVECOT} is absent: install Debian's dovecot-imapd (make system-deps)"
    return None


@dataclass(frozen=True, slots=True)
class OsUser:
    name: str
    uid: int
    gid: int
    group: str


class ImapServer:
    """A running dovecot; `restart()` stops and starts it on the same ports and mail."""

    def __init__(self, work: Path, *, ssl: bool) -> None:
        self.work = work
        self.ssl = ssl
        self.host = "127.0.0.1"
        self.imap_port = _free_port()
        self.imaps_port = _free_port()
        self.username = USERNAME
        self.password = PASSWORD
        self.cert_file = work / "cert.pem" if ssl else None
        self.config_file = work / "dovecot.conf"
        self.log_file = work / "dovecot.log"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def maildir(self) -> Path:
        """The user's Maildir (INBOX; folder `X` is the hidden directory `.X`)."""
        return self.work / "mail" / self.username.split("@")[0]

    def start(self) -> None:
        self._process = subprocess.Popen(
            [str(DOVECOT), "-F", "-c", str(self.config_file)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                errors = self._process.stderr.read().decode() if self._process.stderr else ""
                raise RuntimeError(f"dovecot exited at start:\n{errors}{self.log_tail()}")
            if _accepts(self.host, self.imap_port) and _accepts(self.host, self.imaps_port):
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"dovecot did not listen within {START_TIMEOUT_SECONDS} s")

    def stop(self) -> None:
        """Stop dovecot and every process it started (open IMAP connections drop)."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()  # the master stops its children; a login process may linger
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=STOP_GRACE_SECONDS)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        _wait_until_closed(self.host, self.imap_port)

    def restart(self) -> None:
        self.stop()
        self.start()

    def client(self) -> MailBoxUnencrypted:
        """A logged-in imap-tools client (use it in a `with` block)."""
        mailbox = MailBoxUnencrypted(self.host, self.imap_port, timeout=10)
        return mailbox.login(self.username, self.password, initial_folder=None)

    def append(self, *messages: bytes, folder: str = "INBOX") -> list[int]:
        """APPEND each message to `folder`; returns the UIDs the server gave them."""
        uids = []
        with self.client() as mailbox:
            for raw in messages:
                _status, data = mailbox.append(raw, folder)
                uids.append(int(data[0].split()[2].rstrip(b"]")))  # [APPENDUID validity uid]
        return uids

    def recreate_folder(self, folder: str) -> None:
        """Delete the folder if it exists and create it again: it gets a new UIDVALIDITY."""
        with self.client() as mailbox:
            if mailbox.folder.exists(folder):
                mailbox.folder.delete(folder)
            mailbox.folder.create(folder)

    def message_file(self, uid: int, folder: str = "INBOX") -> Path:
        """The maildir file holding the message with this UID (from dovecot-uidlist)."""
        directory = self.maildir if folder == "INBOX" else self.maildir / f".{folder}"
        for line in (directory / "dovecot-uidlist").read_text().splitlines()[1:]:
            number, _, rest = line.partition(" ")
            if int(number) == uid:
                base = rest.split(" :", 1)[-1].lstrip(":")  # "W62 S57 :name" or ":name"
                return next(path for path in directory.glob(f"*/{base}*"))
        raise LookupError(f"no message with UID {uid} in {folder}")

    def log_tail(self, lines: int = 30) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        return ""


@contextlib.contextmanager
def running_imap_server(tmp_path: Path) -> Iterator[ImapServer]:
    """Yield a started dovecot with one user; stop it and remove its files afterwards."""
    as_root = os.geteuid() == 0
    work = Path(tempfile.mkdtemp(prefix="goodwill-imap-")) if as_root else tmp_path / "imap"
    work.mkdir(exist_ok=True)
    server = ImapServer(work, ssl=_make_certificate(work))
    try:
        _write_files(server, as_root=as_root)
        server.start()
        yield server
    finally:
        server.stop()
        if server.log_file.exists() and work != tmp_path / "imap":
            shutil.copyfile(server.log_file, tmp_path / "dovecot.log")
        if as_root:
            shutil.rmtree(work, ignore_errors=True)


def _write_files(server: ImapServer, *, as_root: bool) -> None:
    work = server.work
    internal, login, mail = _os_users(as_root=as_root)
    for name in ("run", "state", "mail", "home"):
        (work / name).mkdir(exist_ok=True)
    (work / "users").write_text(f"{server.username}:{{PLAIN}}{server.password}\n")
    ssl_files = (
        f"ssl_cert = <{work}/cert.pem\nssl_key = <{work}/key.pem\nssl_min_protocol = TLSv1.2"
        if server.ssl
        else ""
    )
    server.config_file.write_text(
        CONFIG.format(
            work=work,
            ssl="yes" if server.ssl else "no",
            ssl_files=ssl_files,
            internal_user=internal.name,
            internal_group=internal.group,
            login_user=login.name,
            mail_uid=mail.uid,
            mail_gid=mail.gid,
            imap_port=server.imap_port,
            imaps_port=server.imaps_port,
            unprivileged="" if as_root else UNPRIVILEGED,
        )
    )
    if as_root:
        work.chmod(0o755)
        for path in (work / "mail", work / "home", work / "state"):
            os.chown(path, mail.uid, mail.gid)
        (work / "users").chmod(0o644)


def _os_users(*, as_root: bool) -> tuple[OsUser, OsUser, OsUser]:
    """Dovecot's internal user, its login user and the user owning the mail."""
    if not as_root:
        me = _os_user(pwd.getpwuid(os.geteuid()).pw_name)
        return me, me, me
    internal = _first_os_user("dovecot", "nobody")
    login = _first_os_user("dovenull", "nobody")
    mail = _first_os_user("mail", "nobody")
    return internal, login, mail


def _first_os_user(*names: str) -> OsUser:
    for name in names:
        with contextlib.suppress(KeyError):
            return _os_user(name)
    raise RuntimeError(f"none of the OS users {', '.join(names)} exists to run dovecot as")


def _os_user(name: str) -> OsUser:
    import grp

    entry = pwd.getpwnam(name)
    return OsUser(name, entry.pw_uid, entry.pw_gid, grp.getgrgid(entry.pw_gid).gr_name)


def _make_certificate(work: Path) -> bool:
    """A self-signed certificate for 127.0.0.1 and localhost; False when openssl is missing."""
    openssl = shutil.which("openssl")
    if openssl is None:
        return False
    command = [
        openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-days", "2",
        "-keyout", str(work / "key.pem"), "-out", str(work / "cert.pem"),
        "-subj", "/CN=127.0.0.1",
        "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        "-addext", "basicConstraints=critical,CA:TRUE",
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, check=False)
    return result.returncode == 0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _accepts(host: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
        return True
    return False


def _wait_until_closed(host: str, port: int) -> None:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _accepts(host, port):
        time.sleep(0.05)
