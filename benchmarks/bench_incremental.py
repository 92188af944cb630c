"""Incremental build + load against a full one, on a real Neo4j; and a large build.

    python benchmarks/bench_incremental.py [--plans 1000] [--new 10] [--changed 5] [--workers 2]
    python benchmarks/bench_incremental.py --scale 10000 [--workers 2]

Default mode, all in one run, each step the ``policykg`` command as a user runs it (a process of
its own, wall time, Python start-up included):

1. generates ``--plans + --new`` plans (benchmarks/corpus.py, seed 0) and holds the last
   ``--new`` back;
2. full: ``policykg build CORPUS --out OUT`` (empty cache) and ``policykg load OUT`` into an
   empty database (its own DevServer);
3. this month: adds the ``--new`` plans, changes ``--changed`` plans (a task taken from another
   plan is added to each), then incremental: the same two commands again (the cache in OUT/.cache,
   the hashes in the database); checks that the database holds exactly the graph's node and
   relationship counts;
4. steps 2 and 3 run twice, in folders of their own and on an emptied database: the first round
   runs every query for the first time on the JVM (compiled then, a second and more of a load)
   and is shown, not used; the second is measured;
5. prints full, incremental and their ratio (goal: incremental <= 10% of full), and the floor: the
   build and the load once more with nothing changed, what any build and load costs.

``--scale N``: ``policykg build`` of a tenth of N generated plans, then of all N (time per plan,
peak memory of the build process and of its workers), then ``neo4j-admin database import full`` of its CSV export
into a stopped DevServer (wall time incl. the JVM's start; elements per second).

Not a test: nothing here asserts. The machine may be shared: the load average is printed.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402

from policykg.devserver import DevServer, fetch_jars  # noqa: E402

POLICYKG = str(Path(sys.executable).with_name("policykg"))


def run(*args: str, env: dict | None = None) -> tuple[float, str, dict]:
    """One command: (wall seconds, its output, its memory). Memory: ``peak_rss_mb``, the largest
    process's peak (the kernel's ru_maxrss over it and its workers), and ``peak_total_mb``, the
    peak of the sum of the proportional set sizes (PSS) of the process and all its workers, sampled
    every 0.2 s: pages that forked workers share are counted once, their copies as often as they exist."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([POLICYKG, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, **(env or {})})
    peak = [0]
    sampler = threading.Thread(target=_sample_memory, args=(proc.pid, peak), daemon=True)
    sampler.start()
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - t0
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"policykg {' '.join(args)} failed ({proc.returncode}):\n{output[-3000:]}")
    return took, output, {"peak_rss_mb": usage.ru_maxrss / 1024, "peak_total_mb": peak[0] / 1024}


def _tree(pid: int) -> list[int]:
    """The process and its descendants (Linux /proc)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo.extend(int(child) for child in task.read_text().split())
            except OSError:
                pass
    return found


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _running(pid: int) -> bool:
    try:  # a zombie has exited, and waits only for wait4
        return Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1][:1] != "Z"
    except (OSError, IndexError):
        return False


def _sample_memory(pid: int, peak: list[int]) -> None:
    while _running(pid):
        peak[0] = max(peak[0], sum(_pss_kb(p) for p in _tree(pid)))
        time.sleep(0.2)


def change(path: Path, donor: Path) -> None:
    """A corrected copy: one task of another plan added as the plan's last task."""
    lines = path.read_text(encoding="utf-8").splitlines()
    tasks = [i for i, line in enumerate(lines) if re.match(r"\d+\.", line)]
    donor_task = next(line for line in donor.read_text(encoding="utf-8").splitlines() if re.match(r"\d+\.", line))
    number = int(lines[tasks[-1]].split(".", 1)[0]) + 1
    lines.insert(tasks[-1] + 1, f"{number}.{donor_task.split('.', 1)[1]}")
    path.write_text("\n".join(lines), encoding="utf-8")


def graph_counts(out: Path) -> tuple[int, int]:
    data = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    return len(data["nodes"]), len(data["edges"])


def db_counts(driver) -> tuple[int, int]:
    n = driver.execute_query("MATCH (n) RETURN count(n) AS c").records[0]["c"]
    r = driver.execute_query("MATCH ()-[r]->() RETURN count(r) AS c").records[0]["c"]
    return n, r


def incremental(args) -> int:
    base = args.work / f"incremental-{args.plans}"
    shutil.rmtree(base, ignore_errors=True)
    first_month, later_dir = base / "plans", base / "later"
    files = corpus.generate(args.plans + args.new, first_month, seed=0)
    later_dir.mkdir()
    for path in files[args.plans:]:
        path.rename(later_dir / path.name)
    print(f"corpus: {args.plans} plans (+{args.new} held back) in {first_month}; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)

    server = DevServer(base / "server", password="bench-" + secrets.token_hex(8), heap=args.heap,
                       lib_dir=fetch_jars())
    server.start()
    env = {"NEO4J_URI": server.uri, "NEO4J_USERNAME": server.user, "NEO4J_PASSWORD": server.password}
    try:
        from neo4j import GraphDatabase

        with GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as driver:
            # Round 1 runs every query for the first time on this JVM (the server compiles them):
            # shown, not used. Round 2, on an emptied database, is measured.
            cold = month(1, base, first_month, later_dir, args, env, driver)
            figures = month(2, base, first_month, later_dir, args, env, driver)
            floor = nothing_changed(base / "round-2", args, env, driver)
    finally:
        server.stop()
    full = figures["full_build"] + figures["full_load"]
    inc = figures["inc_build"] + figures["inc_load"]
    print(f"\nround 1 (cold JVM, not used): full load {cold['full_load']:.1f} s, incremental load "
          f"{cold['inc_load']:.1f} s")
    print(f"\n| {args.plans} plans, {args.workers} workers | build | load | build + load |")
    print("| --- | --- | --- | --- |")
    print(f"| full | {figures['full_build']:.1f} s | {figures['full_load']:.1f} s | {full:.1f} s |")
    print(f"| incremental (+{args.new} new, {args.changed} changed) | {figures['inc_build']:.1f} s | "
          f"{figures['inc_load']:.1f} s | {inc:.1f} s |")
    print(f"| incremental / full | {100 * figures['inc_build'] / figures['full_build']:.0f}% | "
          f"{100 * figures['inc_load'] / figures['full_load']:.0f}% | {100 * inc / full:.0f}% (goal <= 10%) |")
    print(f"| nothing changed (the floor) | {floor['build']:.1f} s | {floor['load']:.1f} s | "
          f"{floor['build'] + floor['load']:.1f} s = {100 * (floor['build'] + floor['load']) / full:.0f}% of full |")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    return 0


def month(number: int, base: Path, first_month: Path, later_dir: Path, args, env: dict, driver) -> dict:
    """One round on an empty database: full build (empty cache) and load of the first month's
    plans, then this month's (``--new`` added, ``--changed`` changed) built and loaded again."""
    work = base / f"round-{number}"
    plans_dir, out = work / "plans", work / "out"
    shutil.copytree(first_month, plans_dir)
    with driver.session() as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
    workers = ["--workers", str(args.workers)]
    figures = {}
    figures["full_build"], text, _ = run("build", str(plans_dir), "--out", str(out), "-q", *workers)
    print(f"round {number}: full build: {figures['full_build']:.1f} s  ({text.splitlines()[0]})", flush=True)
    figures["full_load"], text, _ = run("load", str(out), "-q", env=env)
    print(f"round {number}: full load:  {figures['full_load']:.1f} s  ({text.strip().splitlines()[-1]})", flush=True)
    assert db_counts(driver) == graph_counts(out)

    for path in sorted(later_dir.iterdir()):
        shutil.copy(path, plans_dir / path.name)
    present = sorted(plans_dir.glob("*.txt"))
    for i in range(args.changed):
        change(present[(i * 97 + 13) % args.plans], present[(i * 31 + 500) % args.plans])
    print(f"round {number}: this month: {args.new} plans added, {args.changed} changed", flush=True)
    figures["inc_build"], text, _ = run("build", str(plans_dir), "--out", str(out), "-q", *workers)
    print(f"round {number}: incremental build: {figures['inc_build']:.1f} s  ({text.splitlines()[0]})", flush=True)
    figures["inc_load"], text, _ = run("load", str(out), "-q", env=env)
    print(f"round {number}: incremental load:  {figures['inc_load']:.1f} s  ({text.strip().splitlines()[-1]})",
          flush=True)
    got, want = db_counts(driver), graph_counts(out)
    print(f"round {number}: database after the incremental load: {got[0]} nodes, {got[1]} relationships "
          f"({'the graph exactly' if got == want else f'the graph has {want}'})", flush=True)
    return figures


def nothing_changed(work: Path, args, env: dict, driver) -> dict:
    """The same build and load again with no file changed: what any build and load costs."""
    plans_dir, out = work / "plans", work / "out"
    figures = {}
    figures["build"], _, _ = run("build", str(plans_dir), "--out", str(out), "-q", "--workers", str(args.workers))
    figures["load"], text, _ = run("load", str(out), "-q", env=env)
    print(f"nothing changed: build {figures['build']:.1f} s, load {figures['load']:.1f} s  "
          f"({text.strip().splitlines()[-1]})", flush=True)
    assert db_counts(driver) == graph_counts(out)
    return figures


def scale(args) -> int:
    base = args.work / f"scale-{args.scale}"
    plans_dir, out = base / "plans", base / "out"
    if not plans_dir.is_dir() or len(list(plans_dir.glob("*.txt"))) != args.scale:
        shutil.rmtree(base, ignore_errors=True)
        t0 = time.perf_counter()
        corpus.generate(args.scale, plans_dir, seed=0)
        print(f"generated {args.scale} plans in {time.perf_counter() - t0:.0f} s", flush=True)
    # A tenth of the corpus first, in the same run: is the time per plan flat?
    tenth = base / "tenth"
    shutil.rmtree(tenth, ignore_errors=True)
    tenth.mkdir()
    for path in sorted(plans_dir.glob("*.txt"))[: args.scale // 10]:
        os.link(path, tenth / path.name)
    for folder, n in ((tenth, args.scale // 10), (plans_dir, args.scale)):
        shutil.rmtree(out, ignore_errors=True)
        load0 = os.getloadavg()[0]
        took, text, usage = run("build", str(folder), "--out", str(out), "-q", "--no-cache",
                                "--workers", str(args.workers))
        nodes, rels = graph_counts(out)
        print(f"build of {n} plans, {args.workers} workers: {took:.0f} s = {1000 * took / n:.1f} ms per plan; "
              f"peak memory {usage['peak_total_mb']:.0f} MB (all its processes, PSS), {usage['peak_rss_mb']:.0f} MB "
              f"(largest process, RSS); {nodes} nodes + {rels} relationships; load average {load0:.1f} → "
              f"{os.getloadavg()[0]:.1f}", flush=True)
    shutil.rmtree(base / "server", ignore_errors=True)  # a server of an earlier run has another password
    server = DevServer(base / "server", password="bench-" + secrets.token_hex(8), heap=args.heap,
                       lib_dir=fetch_jars())
    server.start()  # creates the databases; the import replaces neo4j's
    server.stop()
    from bench_load import admin_import

    t_import = admin_import(server, out / "neo4j-import")
    print(f"neo4j-admin database import full of {nodes + rels} elements: {t_import:.0f} s = "
          f"{(nodes + rels) / t_import:,.0f} elements/s (wall, incl. JVM start)", flush=True)
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plans", type=int, default=1000)
    ap.add_argument("--new", type=int, default=10)
    ap.add_argument("--changed", type=int, default=5)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--scale", type=int, default=0, help="instead: one build of this many plans + admin import")
    ap.add_argument("--work", type=Path, default=Path("/tmp/policykg-bench"))
    ap.add_argument("--heap", default="1g")
    args = ap.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    return scale(args) if args.scale else incremental(args)


if __name__ == "__main__":
    sys.exit(main())
