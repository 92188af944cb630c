"""The password stays secret: not on a command line, not in the example files, not readable by
other users; the example password is refused; Docker publishes the ports on loopback only."""
from __future__ import annotations

import os
import re
import stat
import subprocess

import pytest
import yaml
from click.testing import CliRunner
from neo4j import GraphDatabase

from policykg.cli import PLACEHOLDER_PASSWORDS, cli
from policykg.devserver import DevServer, fetch_jars
from tests.paths import REPO


def _env_example() -> dict[str, str]:
    pairs = (line.split("=", 1) for line in (REPO / ".env.example").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.lstrip().startswith("#"))
    return {k.strip(): v.strip() for k, v in pairs}


@pytest.mark.parametrize("password", ["example", *PLACEHOLDER_PASSWORDS])
def test_example_password_is_refused(tmp_path, password):
    """.env.example used as it is (or the placeholder earlier versions of it had) does not connect."""
    env = _env_example()
    if password != "example":
        env["NEO4J_PASSWORD"] = password
    env["NEO4J_URI"] = "bolt://127.0.0.1:1"  # refused before any connection: nothing listens here
    (tmp_path / "graph.json").write_text("{}", encoding="utf-8")
    for args in (["load", str(tmp_path)], ["query", "plan_overview"]):
        result = CliRunner().invoke(cli, args, env=env)
        assert result.exit_code == 1, result.output
        line = result.output.strip()
        assert len(line.splitlines()) == 1 and "cannot reach" not in line
        assert (".env.example" in line) if password != "example" else ("NEO4J_PASSWORD" in line)


def test_env_example_has_no_password():
    assert _env_example()["NEO4J_PASSWORD"] == ""  # docker compose refuses to start with it (:?)
    compose = (REPO / "docker-compose.yml").read_text(encoding="utf-8")
    assert "${NEO4J_PASSWORD:?" in compose


def test_compose_publishes_on_loopback_by_default():
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    ports = [p for service in compose["services"].values() for p in service.get("ports", [])]
    assert ports
    for port in ports:
        # ${VAR:-default} as compose reads it with VAR unset
        resolved = re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", str(port))
        parts = resolved.split(":")
        assert len(parts) == 3 and parts[0] == "127.0.0.1", port


@pytest.mark.neo4j
@pytest.mark.skipif(bool(os.environ.get("NEO4J_URI")), reason="uses an external server ($NEO4J_URI)")
def test_devserver_password_not_on_a_command_line(tmp_path, monkeypatch):
    """set-initial-password reads the password from an argument file (0600, deleted after), so
    ps never shows it; the password file is 0600; a password with spaces, quotes and # works."""
    password = 'pk "quoted" #not-a-comment \\ back'
    commands = []
    real_run, real_popen = subprocess.run, subprocess.Popen

    def run(args, *a, **k):
        commands.append(list(args))
        return real_run(args, *a, **k)

    class Popen(real_popen):
        def __init__(self, args, *a, **k):
            commands.append(list(args))
            super().__init__(args, *a, **k)

    monkeypatch.setattr(subprocess, "run", run)
    monkeypatch.setattr(subprocess, "Popen", Popen)
    server = DevServer(tmp_path / "neo4j", password=password, lib_dir=fetch_jars())
    try:
        server.start()
        assert any("set-initial-password" in c for c in commands)
        assert not any(password in arg for c in commands for arg in c)
        with GraphDatabase.driver(server.uri, auth=(server.user, password)) as driver:
            driver.verify_connectivity()  # the server took the password from the file whole
    finally:
        server.stop()
    pw_file = server.home / "password"
    assert stat.S_IMODE(pw_file.stat().st_mode) == 0o600
    assert pw_file.read_text(encoding="utf-8").strip("\n") == password
    assert not list(server.home.rglob("*.args"))  # the argument file is gone
