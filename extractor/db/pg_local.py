"""A throwaway PostgreSQL server on 127.0.0.1, for tests and benchmarks.

Uses the machine's own `initdb`/`pg_ctl` (on PATH or under /usr/lib/postgresql/*/bin). PostgreSQL
refuses to run as root, so as root the server runs as an unprivileged account (`postgres`, else
`nobody`) in a temporary folder handed to that account. Data lives in the temporary folder with
fsync off: nothing here survives `stop()`.
"""
from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

_UNPRIVILEGED_ACCOUNTS = ("postgres", "nobody")


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries on this machine, or no account allowed to run them."""


def find_pg_bin() -> Optional[Path]:
    """The folder holding initdb and pg_ctl (the newest installed version), or None."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(on_path).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: _version_number(p.parent.name))
    for folder in reversed(versions):
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


def _version_number(name: str) -> float:
    try:
        return float(name)
    except ValueError:
        return 0.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LocalPostgres:
    """A running server; `url` connects as its superuser `postgres` to database `postgres`."""

    root: Path
    port: int
    bin_dir: Path
    account: Optional[pwd.struct_passwd]

    @property
    def url(self) -> str:
        return self.url_for("postgres")

    def url_for(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create an empty database and return its URL."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url_for(name)

    def stop(self) -> None:
        if (self.root / "data" / "postmaster.pid").exists():
            _run(self, [str(self.bin_dir / "pg_ctl"), "-D", str(self.root / "data"), "-m", "fast", "-w", "stop"])
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> "LocalPostgres":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_local_postgres(bin_dir: Optional[Path] = None) -> LocalPostgres:
    """Initialise and start a fresh server on a free loopback port; call `stop()` when done."""
    bin_dir = bin_dir or find_pg_bin()
    if bin_dir is None:
        raise PostgresUnavailable("no PostgreSQL server binaries (initdb, pg_ctl) on PATH or under /usr/lib/postgresql")
    account = _unprivileged_account() if os.geteuid() == 0 else None
    root = Path(tempfile.mkdtemp(prefix="departures-pg-"))
    if account is not None:
        os.chown(root, account.pw_uid, account.pw_gid)
    server = LocalPostgres(root=root, port=_free_port(), bin_dir=bin_dir, account=account)
    try:
        _run(server, [
            str(bin_dir / "initdb"), "-D", str(root / "data"), "-U", "postgres", "--auth=trust",
            "-E", "UTF8", "--no-locale", "--no-sync",
        ])
        options = f"-p {server.port} -k {root} -c listen_addresses=127.0.0.1 -F"
        _run(server, [
            str(bin_dir / "pg_ctl"), "-D", str(root / "data"), "-l", str(root / "server.log"),
            "-o", options, "-w", "-t", "60", "start",
        ])
    except BaseException:
        server.stop()
        raise
    return server


def _unprivileged_account() -> pwd.struct_passwd:
    for name in _UNPRIVILEGED_ACCOUNTS:
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise PostgresUnavailable(
        "running as root and no unprivileged account (postgres, nobody) to run PostgreSQL as; create one"
    )


def _run(server: LocalPostgres, command: list[str]) -> None:
    as_account = {}
    if server.account is not None:
        as_account = {"user": server.account.pw_uid, "group": server.account.pw_gid, "extra_groups": []}
    done = subprocess.run(command, capture_output=True, text=True, cwd=server.root, **as_account)
    if done.returncode != 0:
        log = server.root / "server.log"
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        hint = ""
        if server.account is not None:
            hint = (f" (it ran as {server.account.pw_name} in {server.root}: every folder above it must be "
                    "open to that account; point TMPDIR elsewhere if not)")
        raise PostgresUnavailable(
            f"{Path(command[0]).name} failed (exit {done.returncode}){hint}: {done.stderr.strip()}\n{tail}".strip()
        )
