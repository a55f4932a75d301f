"""Start a throwaway PostgreSQL server for one test session and hand out its SQLAlchemy URL."""

import contextlib
import os
import pwd
import shlex
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

URL_ENV = "GOODWILL_TEST_POSTGRES_URL"
DATABASE = "goodwill_test"
SUPERUSER = "postgres"
FALLBACK_OS_USER = "goodwill-test"
START_ATTEMPTS = 3
SERVER_OPTIONS = (
    "-F -c fsync=off -c synchronous_commit=off -c full_page_writes=off "
    "-c listen_addresses=127.0.0.1"
)


@contextlib.contextmanager
def running_postgres(tmp_dir: Path) -> Iterator[str]:
    """Yield the URL of a fresh server (or of GOODWILL_TEST_POSTGRES_URL); stop and delete it after.

    The server's files live in their own directory under /tmp, which the `postgres` user can reach
    when we are root; its log is copied to `tmp_dir / "postgres.log"` on exit.
    """
    if url := os.environ.get(URL_ENV):
        yield url
        return
    bin_dir = find_bin_dir()
    os_user = _server_os_user()
    work = Path(tempfile.mkdtemp(prefix="goodwill-pg-", dir="/tmp" if os_user else None))
    data, sockets, log = work / "data", work / "sockets", work / "postgres.log"
    as_user = ["runuser", "-u", os_user, "--"] if os_user else []
    try:
        sockets.mkdir()
        if os_user:
            work.chmod(0o755)
            _chown_tree(work, os_user)
        initdb = ["-D", str(data), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8", "--locale=C"]
        _run([*as_user, str(bin_dir / "initdb"), *initdb, "--no-sync"], cwd=work)
        port = _start([*as_user, str(bin_dir / "pg_ctl"), "-D", str(data)], sockets, log)
        createdb = ["-h", "127.0.0.1", "-p", str(port), "-U", SUPERUSER, DATABASE]
        _run([str(bin_dir / "createdb"), *createdb], cwd=work, log=log)
        yield f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{port}/{DATABASE}"
    finally:
        if (data / "postmaster.pid").exists():
            stop = [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]
            subprocess.run(stop, cwd=work, capture_output=True, check=False)
        if log.exists() and tmp_dir.is_dir():
            shutil.copyfile(log, tmp_dir / "postgres.log")
        shutil.rmtree(work, ignore_errors=True)


def find_bin_dir() -> Path:
    """Return the directory holding initdb and pg_ctl: the newest Debian version, else PATH."""

    def version(bin_dir: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in bin_dir.parent.name.split(".") if part.isdigit())

    candidates = sorted(
        (initdb.parent for initdb in Path("/usr/lib/postgresql").glob("*/bin/initdb")),
        key=version,
        reverse=True,
    )
    if on_path := shutil.which("initdb"):
        candidates.append(Path(on_path).resolve().parent)
    for bin_dir in candidates:
        if all((bin_dir / name).is_file() for name in ("initdb", "pg_ctl", "createdb")):
            return bin_dir
    raise RuntimeError(
        "PostgreSQL server binaries (initdb, pg_ctl, createdb) not found under "
        "/usr/lib/postgresql/*/bin or on PATH: install the Debian package 'postgresql' "
        f"(make system-deps) or set {URL_ENV} to an existing database"
    )


def _server_os_user() -> str | None:
    """PostgreSQL refuses to run as root: pick (or create) the OS user to run it as, if needed."""
    if os.geteuid() != 0:
        return None
    if not shutil.which("runuser"):
        raise RuntimeError("running as root but `runuser` is missing: cannot start PostgreSQL")
    for user in ("postgres", FALLBACK_OS_USER):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(user)
            return user
    _run(["useradd", "--system", "--no-create-home", "--shell", "/sbin/nologin", FALLBACK_OS_USER])
    return FALLBACK_OS_USER


def _chown_tree(root: Path, user: str) -> None:
    entry = pwd.getpwnam(user)
    for path in (root, *root.rglob("*")):
        os.chown(path, entry.pw_uid, entry.pw_gid)


def _start(pg_ctl: list[str], sockets: Path, log: Path) -> int:
    """Start the server on a free loopback port (retrying if another process grabs it first)."""
    for _ in range(START_ATTEMPTS):
        port = _free_port()
        options = f"{SERVER_OPTIONS} -p {port} -k {shlex.quote(str(sockets))}"
        start = [*pg_ctl, "-l", str(log), "-w", "-t", "60", "-o", options, "start"]
        result = subprocess.run(start, cwd=log.parent, capture_output=True, text=True, check=False)
        if result.returncode == 0:
            return port
        if "already in use" not in _tail(log):
            break
    raise RuntimeError(f"PostgreSQL did not start:\n{result.stdout}{result.stderr}{_tail(log)}")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _run(command: Sequence[str], *, cwd: Path | None = None, log: Path | None = None) -> None:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        details = result.stdout + result.stderr + (_tail(log) if log else "")
        raise RuntimeError(f"{shlex.join(command)} failed ({result.returncode}):\n{details}")


def _tail(log: Path, lines: int = 20) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    return ""
