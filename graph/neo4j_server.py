"""The Neo4j server a load talks to: where and how to connect (``Connection``), the checks before
a load (reachable in bounded time, credentials, database, version 5.x), messages that never quote
a password, the schema, the batched wipe, and the load lock that lets one load or wipe of a
database run at a time. ``neo4j_load`` writes the graph through these.
"""
from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from neo4j import Driver, GraphDatabase
from neo4j import exceptions as neo4j_errors

from policykg.graph import cypher_files

SUPPORTED_MAJOR = "5"


class LoadError(Exception):
    """A load that could not happen, with a short message and an exit code."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


# Exit codes a script can tell apart.
EXIT_UNREACHABLE, EXIT_AUTH, EXIT_NO_DATABASE, EXIT_VERSION, EXIT_INTERRUPTED = 3, 4, 5, 6, 7
EXIT_FAILED = 8  # the server refused a write (e.g. a constraint) for another reason
EXIT_BUSY = 9  # another load or wipe of the database held the load lock for longer than lock_wait
LOCK_WAIT = 600.0  # seconds a load waits for another load of the same database to finish


@dataclass(slots=True)
class Connection:
    """Where and how to connect. A ``user:password@`` in the URI is taken out of it (the driver
    refuses such URIs, and its error quotes them whole): it gives ``user`` and ``password``, and
    ``uri`` is left without it, so the URI can go into any message."""

    uri: str
    user: str
    password: str = field(repr=False)
    database: str = "neo4j"
    connect_timeout: float = 5.0  # per connection attempt
    retry_time: float = 15.0  # how long a transaction is retried on transient errors

    def __post_init__(self) -> None:
        parts = urlsplit(self.uri)
        if "@" in parts.netloc:
            userinfo, _, host = parts.netloc.rpartition("@")
            user, has_password, password = userinfo.partition(":")
            self.user = unquote(user) or self.user
            if has_password:
                self.password = unquote(password)
            self.uri = parts._replace(netloc=host).geturl()

    def driver(self) -> Driver:
        return GraphDatabase.driver(self.uri, auth=(self.user, self.password),
                                    connection_timeout=self.connect_timeout,
                                    connection_acquisition_timeout=self.connect_timeout * 2,
                                    max_transaction_retry_time=self.retry_time)

    def describe(self, exc: BaseException) -> str:
        return describe(exc, self.password)


def describe(exc: BaseException, secret: str | None = None) -> str:
    """The whole message of ``exc`` on one line (a server's message ends with what matters: the
    setting whose limit was reached), with its Neo4j code, and without ``secret``."""
    if isinstance(exc, neo4j_errors.Neo4jError) and exc.message:
        text = f"{exc.message} ({exc.code})" if exc.code else exc.message
    else:
        text = str(exc) or type(exc).__name__
    cause = exc.__cause__  # the server's causes (GQL): the first message may only point at them
    while cause is not None:
        more = " ".join(str(getattr(cause, "message", None) or cause).split())
        if more not in " ".join(text.split()):
            text += f": {more}"
        cause = cause.__cause__
    text = " ".join(text.split())
    if secret:
        text = text.replace(secret, "***")
    if isinstance(exc, neo4j_errors.Neo4jError) and "MemoryPoolOutOfMemory" in (exc.code or ""):
        text += "; a smaller --batch-size needs less transaction memory"
    return text


def check_version(version: str) -> str:
    if not version.startswith(SUPPORTED_MAJOR + "."):
        raise LoadError(f"Neo4j {version} is not supported (policykg needs {SUPPORTED_MAJOR}.x)", EXIT_VERSION)
    return version


def check_server(driver: Driver, database: str, where: str = "Neo4j", secret: str | None = None) -> str:
    """Connect, authenticate and check the version; raise LoadError with a short message."""
    try:
        driver.verify_connectivity()
        with driver.session(database=database) as session:
            record = session.run(cypher_files.load("server_version")).single()
    except neo4j_errors.AuthError:
        raise LoadError(f"{where} rejected the user name or password", EXIT_AUTH) from None
    except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired,
            neo4j_errors.ConnectionAcquisitionTimeoutError, OSError) as exc:
        raise LoadError(f"cannot reach {where}: {describe(exc, secret)}", EXIT_UNREACHABLE) from None
    except neo4j_errors.ClientError as exc:
        if "DatabaseNotFound" in (exc.code or ""):
            raise LoadError(f"database {database!r} does not exist on {where}", EXIT_NO_DATABASE) from None
        raise LoadError(f"{where} refused the connection: {describe(exc, secret)}", EXIT_UNREACHABLE) from None
    except (neo4j_errors.DriverError, ValueError) as exc:  # ValueError: an address that does not resolve
        raise LoadError(f"cannot use {where}: {describe(exc, secret)}", EXIT_UNREACHABLE) from None
    return check_version(record["version"])


def connect(connection: Connection) -> Driver:
    """A driver whose server has passed ``check_server`` (the caller closes it); LoadError if not.
    ``load`` and ``query`` both start here, so both fail in seconds when the server is down."""
    try:
        driver = connection.driver()
    except (neo4j_errors.ConfigurationError, ValueError) as exc:  # a malformed URI
        raise LoadError(f"cannot use {connection.uri}: {connection.describe(exc)}", EXIT_UNREACHABLE) from None
    try:
        check_server(driver, connection.database, connection.uri, connection.password)
    except BaseException:
        driver.close()
        raise
    return driver


def ensure_schema(driver: Driver, database: str) -> None:
    """Constraints and indexes (IF NOT EXISTS), then wait until they are online."""
    with driver.session(database=database) as session:
        for statement in cypher_files.statements("schema"):
            session.run(statement).consume()
        session.run("CALL db.awaitIndexes(300)").consume()


def delete_everything(driver: Driver, database: str, rows: int = 5000) -> None:
    """Delete every node and relationship, ``rows`` deletions per transaction (schema stays)."""
    with driver.session(database=database) as session:
        for statement in cypher_files.statements("wipe"):
            session.run(statement, rows=rows).consume()


class LoadLock:
    """One load (or wipe) of a database at a time.

    The lock is a node created, never committed, in a transaction kept open while the lock is held
    (cypher/take_load_lock.cypher): a uniqueness constraint makes a second CREATE wait until that
    transaction ends. A loader killed mid-load takes its transaction and the lock with it: there is
    no stale lock to clear. A waiting loader probes with transactions that the server ends after a
    timeout, tells ``on_wait`` once who holds the lock, and gives up after ``wait`` seconds.
    """

    def __init__(self, driver: Driver, database: str, where: str, wait: float = LOCK_WAIT, on_wait=None):
        self.driver, self.database, self.where = driver, database, where
        self.wait, self.on_wait = wait, on_wait
        self._session = self._tx = None

    def __enter__(self) -> LoadLock:
        self._create_constraint()
        deadline = time.monotonic() + self.wait
        waited = False
        while not self._probe(max(1.0, min(deadline - time.monotonic(), 3.0 if not waited else 30.0))):
            if not waited and self.on_wait:
                self.on_wait(self.holder())
            waited = True
            if time.monotonic() >= deadline:
                raise LoadError(f"another load of database {self.database!r} on {self.where} ({self.holder()}) "
                                f"still runs after {self.wait:.0f} s; nothing was written, run again when it "
                                "has finished", EXIT_BUSY)
        # The lock was free a moment ago; a loader that took it since is waited for here.
        self._session = self.driver.session(database=self.database)
        try:
            self._tx = self._session.begin_transaction(metadata={
                "policykg": "load lock", "host": socket.gethostname(), "pid": os.getpid()})
            self._tx.run(cypher_files.load("take_load_lock")).consume()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        try:
            if self._tx is not None:
                self._tx.rollback()
            if self._session is not None:
                self._session.close()
        except neo4j_errors.DriverError:
            pass  # the connection is gone: so is the transaction, and the lock with it
        finally:
            self._tx = self._session = None

    def check(self) -> None:
        """Raise LoadError unless the lock is still held (a server-side transaction timeout ends it)."""
        try:
            self._tx.run("RETURN 1").consume()
        except neo4j_errors.DriverError as exc:
            raise LoadError(f"lost the load lock of database {self.database!r} on {self.where} "
                            f"({describe(exc)}); each plan is all or nothing, re-run to finish",
                            EXIT_INTERRUPTED) from None

    def holder(self) -> str:
        """Who holds the lock, as far as the server tells this user."""
        try:
            records, _, _ = self.driver.execute_query(cypher_files.load("load_lock_holder"),
                                                      {"database": self.database}, database_=self.database)
        except neo4j_errors.Neo4jError:
            records = []
        if not records:
            return "held by another policykg load"
        r = records[0]
        return f"policykg pid {r['pid']} on {r['host']}, connected from {r['client']}, since {r['since']}"

    def _create_constraint(self) -> None:
        for attempt in range(3):  # two loaders creating it at once: one of them may be refused
            try:
                with self.driver.session(database=self.database) as session:
                    session.run(cypher_files.load("load_lock_constraint")).consume()
                return
            except (neo4j_errors.ClientError, neo4j_errors.TransientError):
                if attempt == 2:
                    raise

    def _probe(self, timeout: float) -> bool:
        """Take the lock and let it go at once; False when another loader holds it for ``timeout`` s."""
        with self.driver.session(database=self.database) as session:
            tx = session.begin_transaction(timeout=timeout)
            try:
                tx.run(cypher_files.load("take_load_lock")).consume()
            except (neo4j_errors.ClientError, neo4j_errors.TransientError) as exc:
                if "Transaction" in (exc.code or ""):  # LockClientStopped, TransactionTimedOut…
                    return False
                raise
            finally:
                if not tx.closed():
                    tx.rollback()
        return True


# -- the load --------------------------------------------------------------------------------
