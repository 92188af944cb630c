"""A real Neo4j 5.26 Community server for tests, benchmarks and local browsing.

There is no Docker here, so the server is assembled from Maven Central jars
(`neo4j-pom.xml`, fetched once with `mvn dependency:copy-dependencies`) and run as one
JVM (`org.neo4j.server.CommunityEntryPoint`) listening on 127.0.0.1 only.

    python -m policykg.devserver fetch          # download the jars into the cache
    python -m policykg.devserver run [--home D] # start a server for Neo4j Browser, Ctrl-C stops it
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import hashlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

NEO4J_VERSION = "5.26.30"
CACHE_ENV = "POLICYKG_NEO4J_CACHE"
_MARKER = ".complete"  # written into lib/ after a successful copy; holds the pom's hash

# Without the add-opens Neo4j logs reflection warnings and fails to preallocate logs.
_JVM_FLAGS = [
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dfile.encoding=UTF-8",
]


class DevServerError(RuntimeError):
    """The server or its tooling (java, mvn, AdminTool) failed."""


def default_cache_dir() -> Path:
    """`$POLICYKG_NEO4J_CACHE`, else `<repo>/.neo4j` (gitignored), else a user cache dir."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser().resolve()
    repo = Path(__file__).resolve().parent.parent
    if (repo / "pyproject.toml").exists():  # source checkout / editable install
        return repo / ".neo4j"
    return Path.home() / ".cache" / "policykg" / "neo4j"


def _which(tool: str) -> str:
    found = shutil.which(tool)
    if tool == "java" and not found and os.environ.get("JAVA_HOME"):
        candidate = Path(os.environ["JAVA_HOME"]) / "bin" / "java"
        found = str(candidate) if candidate.exists() else None
    if not found:
        raise DevServerError(
            f"`{tool}` not found on PATH: the Neo4j dev server needs Java 17 and Maven 3 "
            "(e.g. `apt-get install openjdk-17-jre-headless maven`)"
        )
    return found


def fetch_jars(cache_dir: Path | str | None = None) -> Path:
    """Copy the Neo4j jars into `<cache_dir>/lib` once and return that lib dir."""
    cache = Path(cache_dir) if cache_dir else default_cache_dir()
    lib = cache / "lib"
    pom = Path(__file__).with_name("neo4j-pom.xml").read_bytes()
    digest = hashlib.sha256(pom).hexdigest()
    marker = lib / _MARKER
    if marker.exists() and marker.read_text().strip() == digest:
        return lib
    cache.mkdir(parents=True, exist_ok=True)
    # Lock so parallel test sessions do not run mvn into the same folder at once.
    with open(cache / ".fetch.lock", "w") as lock:
        import fcntl

        fcntl.flock(lock, fcntl.LOCK_EX)
        if marker.exists() and marker.read_text().strip() == digest:
            return lib
        mvn = _which("mvn")
        _which("java")
        shutil.rmtree(lib, ignore_errors=True)  # drop jars of an older pom / partial copy
        (cache / "pom.xml").write_bytes(pom)
        proc = subprocess.run(
            [mvn, "-B", "-q", "-f", str(cache / "pom.xml"), "dependency:copy-dependencies",
             f"-DoutputDirectory={lib}", "-DincludeScope=runtime"],
            capture_output=True, text=True,
        )
        if proc.returncode != 0:
            raise DevServerError(f"mvn failed ({proc.returncode}):\n{_tail(proc.stdout + proc.stderr)}")
        marker.write_text(digest + "\n")
    return lib


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.splitlines()[-lines:])


def _free_ports(n: int) -> list[int]:
    # Hold all sockets open until every port is chosen so the n ports differ.
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def _die_with_parent() -> None:
    # Linux: SIGKILL the JVM when the Python process dies, even by SIGKILL, where atexit
    # cannot run. Caveat: "parent" is the starting *thread*; start servers from a
    # long-lived thread (normally the main one).
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


_LIVE: set[DevServer] = set()


@atexit.register
def _kill_leftovers() -> None:
    # SIGKILL rather than a ~12 s graceful stop: committed data survives it (the
    # transaction log is replayed on the next start).
    for server in list(_LIVE):
        server.kill()


class DevServer:
    """One Neo4j server with its conf, data and logs under `home`.

    Ports are chosen on the first start and kept, so `restart()` reuses them.
    The initial password is stored in `home/password` when the data dir is created,
    so a later DevServer on the same home (e.g. `run --home`) can log in again.
    """

    user = "neo4j"

    def __init__(self, home: Path | str, password: str | None = None,
                 bolt_port: int | None = None, http_port: int | None = None,
                 heap: str = "512m", *, pagecache: str = "256m",
                 conf: dict[str, str] | None = None, lib_dir: Path | str | None = None):
        self.home = Path(home).resolve()
        self.heap, self.pagecache = heap, pagecache
        self.bolt_port, self.http_port = bolt_port, http_port
        self.extra_conf = dict(conf or {})  # extra/overriding neo4j.conf settings
        self._lib = Path(lib_dir) if lib_dir else None
        pw_file = self.home / "password"
        if password is None and pw_file.exists():
            password = pw_file.read_text().strip()
        # A leading '-' would be read as an option by set-initial-password: start with a letter.
        self.password = password or "pk" + secrets.token_urlsafe(12)
        if len(self.password) < 8:
            raise ValueError("Neo4j requires a password of at least 8 characters")
        self._proc: subprocess.Popen | None = None

    # -- addresses --------------------------------------------------------------------
    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def browser_url(self) -> str:
        return f"{self.http_url}/browser/"

    @property
    def auth(self) -> tuple[str, str]:
        return (self.user, self.password)

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    # -- lifecycle --------------------------------------------------------------------
    def start(self, timeout: float = 120) -> DevServer:
        """Start the JVM; return once `RETURN 1` works over Bolt and HTTP answers."""
        if self.running:
            return self
        self._prepare()
        if not (self.home / "data" / "databases" / "system").exists():
            # Only effective before the first start; afterwards it "succeeds" silently.
            self.admin("dbms", "set-initial-password", self.password, check=True)
            pw_file = self.home / "password"  # remember what the data dir was created with
            pw_file.write_text(self.password + "\n")
            pw_file.chmod(0o600)
        log = open(self.home / "logs" / "console.log", "ab")
        try:
            self._proc = subprocess.Popen(
                [self._java, *_JVM_FLAGS, f"-Xmx{self.heap}", "-cp", f"{self.lib}/*",
                 "org.neo4j.server.CommunityEntryPoint", "--console-mode",  # user log to stdout
                 f"--home-dir={self.home}", f"--config-dir={self.home / 'conf'}"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                env=self._env(), cwd=self.home,
                start_new_session=True,  # own process group: signals reach only the JVM
                preexec_fn=_die_with_parent,
            )
        finally:
            log.close()  # the child keeps its own descriptor
        _LIVE.add(self)
        self._wait_ready(timeout)
        return self

    def stop(self, timeout: float = 60) -> None:
        """SIGTERM (Neo4j checkpoints and shuts down), then SIGKILL after `timeout` s."""
        if self.running:
            self._signal(signal.SIGTERM)
            try:
                self._proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self._proc.wait()
        _LIVE.discard(self)

    def kill(self) -> None:
        """SIGKILL now, like a power cut (for crash-recovery tests)."""
        if self.running:
            self._signal(signal.SIGKILL)
            self._proc.wait()
        _LIVE.discard(self)

    def restart(self, timeout: float = 120) -> DevServer:
        """Stop if running, then start again on the same ports and data."""
        self.stop()
        return self.start(timeout)

    def admin(self, *args: str, check: bool = False, timeout: float | None = None
              ) -> subprocess.CompletedProcess:
        """Run `neo4j-admin` (org.neo4j.cli.AdminTool) in a fresh JVM on this home,
        e.g. `admin("database", "import", "full", "neo4j", "--nodes=...")` with the server
        stopped."""
        self._prepare()
        proc = subprocess.run(
            [self._java, *_JVM_FLAGS, f"-Xmx{self.heap}", "-cp", f"{self.lib}/*",
             "org.neo4j.cli.AdminTool", *args],
            env=self._env(), cwd=self.home, capture_output=True, text=True, timeout=timeout,
        )
        if check and proc.returncode != 0:
            raise DevServerError(f"neo4j-admin {' '.join(args[:2])} failed ({proc.returncode}):\n"
                                 f"{_tail(proc.stdout + proc.stderr)}")
        return proc

    def __enter__(self) -> DevServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"DevServer({str(self.home)!r}, {self.uri}, {state})"

    # -- internals --------------------------------------------------------------------
    @property
    def lib(self) -> Path:
        if self._lib is None:
            self._lib = fetch_jars()
        return self._lib

    @property
    def _java(self) -> str:
        return _which("java")

    def _env(self) -> dict[str, str]:
        return {**os.environ, "NEO4J_HOME": str(self.home), "NEO4J_CONF": str(self.home / "conf")}

    def _prepare(self) -> None:
        """Create the folders, choose ports once, write conf/neo4j.conf and the password file."""
        for sub in ("conf", "data", "logs", "run", "import", "plugins"):
            (self.home / sub).mkdir(parents=True, exist_ok=True)
        if self.bolt_port is None or self.http_port is None:
            free = iter(_free_ports(2))
            self.bolt_port = self.bolt_port or next(free)
            self.http_port = self.http_port or next(free)
        h = self.home
        conf = {
            "server.default_listen_address": "127.0.0.1",
            "server.default_advertised_address": "127.0.0.1",
            "server.bolt.listen_address": f"127.0.0.1:{self.bolt_port}",
            "server.http.listen_address": f"127.0.0.1:{self.http_port}",
            # Browser learns the Bolt URL from the advertised address (else port 7687/7474).
            "server.bolt.advertised_address": f"127.0.0.1:{self.bolt_port}",
            "server.http.advertised_address": f"127.0.0.1:{self.http_port}",
            "server.https.enabled": "false",
            "dbms.security.auth_enabled": "true",
            "dbms.usage_report.enabled": "false",
            # Otherwise every database pre-allocates a 256 MiB transaction log file.
            "db.tx_log.preallocate": "false",
            "server.memory.heap.initial_size": self.heap,
            "server.memory.heap.max_size": self.heap,
            "server.memory.pagecache.size": self.pagecache,
            # Netty's graceful Bolt shutdown waits 2 x 5 s with no connections left; this
            # makes SIGTERM stop take ~0.5 s instead of ~12 s (databases still checkpoint).
            "internal.dbms.bolt.netty_server_shutdown_quiet_period": "0",
            "internal.dbms.bolt.netty_server_shutdown_timeout": "2",
            **{f"server.directories.{d}": str(h / d)
               for d in ("data", "logs", "run", "import", "plugins")},
            **self.extra_conf,
        }
        (h / "conf" / "neo4j.conf").write_text("".join(f"{k}={v}\n" for k, v in conf.items()))

    def _signal(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._proc.pid, sig)

    def _wait_ready(self, timeout: float) -> None:
        from neo4j import GraphDatabase
        from neo4j.exceptions import AuthError

        deadline = time.monotonic() + timeout
        while True:
            if self._proc.poll() is not None:
                _LIVE.discard(self)
                raise DevServerError(
                    f"Neo4j exited with code {self._proc.returncode} during start-up; "
                    f"{self._log_tail()}")
            try:
                # session.run, not execute_query: the latter retries with back-off itself.
                with GraphDatabase.driver(self.uri, auth=self.auth, connection_timeout=2,
                                          connection_acquisition_timeout=5) as driver, \
                        driver.session() as session:
                    session.run("RETURN 1").consume()
                # The web server starts after Bolt; wait for it too so Browser works.
                with urllib.request.urlopen(self.http_url, timeout=2):
                    return
            except AuthError as e:
                # Typical cause: an existing data dir initialised with another password.
                self.kill()
                raise DevServerError(f"Neo4j at {self.uri} rejected the password for "
                                     f"'{self.user}' ({e}); data dir {self.home / 'data'} "
                                     "may have been created with another password") from e
            except Exception:  # not listening yet / databases still starting
                pass
            if time.monotonic() > deadline:
                self.kill()
                raise DevServerError(f"Neo4j not ready on {self.uri} after {timeout:.0f} s; "
                                     f"{self._log_tail()}")
            time.sleep(0.25)

    def _log_tail(self) -> str:
        path = self.home / "logs" / "console.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return f"see also {self.home / 'logs' / 'debug.log'}; last lines of {path}:\n{_tail(text)}"


def _raise_keyboard_interrupt(*_) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m policykg.devserver", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("fetch", help="download the Neo4j jars into the cache")
    run = sub.add_parser("run", help="start a server and wait for Ctrl-C")
    run.add_argument("--home", type=Path, help="server folder (default: <cache>/dev)")
    run.add_argument("--password", help="initial password (default: HOME/password or generated)")
    run.add_argument("--bolt-port", type=int)
    run.add_argument("--http-port", type=int)
    run.add_argument("--heap", default="512m")
    args = parser.parse_args(argv)

    try:
        if args.command == "fetch":
            t0 = time.monotonic()
            lib = fetch_jars()
            print(f"{len(list(lib.glob('*.jar')))} jars in {lib} ({time.monotonic() - t0:.1f} s)")
            return 0
        server = DevServer(args.home or default_cache_dir() / "dev", args.password,
                           args.bolt_port, args.http_port, args.heap)
        t0 = time.monotonic()
        server.start()
    except DevServerError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(f"Neo4j {NEO4J_VERSION} ready in {time.monotonic() - t0:.1f} s\n"
          f"  uri:      {server.uri}\n  user:     {server.user}\n"
          f"  password: {server.password}\n  browser:  {server.browser_url}\n"
          f"  home:     {server.home}\nCtrl-C to stop.", flush=True)
    # SIGTERM (e.g. from a process manager) stops the server gracefully like Ctrl-C.
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    try:
        while server.running:
            time.sleep(1)
        print(f"Neo4j exited unexpectedly; {server._log_tail()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("stopping…", flush=True)
        server.stop()
        return 0


if __name__ == "__main__":
    sys.exit(main())
