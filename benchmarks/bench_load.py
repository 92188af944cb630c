"""Graph elements (nodes + relationships) per second into a real Neo4j, three ways.

    python benchmarks/bench_load.py [--plans 1000] [--rows-per-batch 5000[,10000...]]

1. Builds ``--plans`` generated plans (benchmarks/corpus.py; cached under --work).
2. Starts its own DevServer (policykg/devserver.py) and measures, on the same graph:
   * the project's loader (``policykg.graph.neo4j_load.load_graph``) into an empty database
     (schema already present): one run on the fresh ("cold") JVM, then once per
     ``--rows-per-batch`` value, plus an unchanged re-load; the best warm run makes the ratios;
   * a naive loader: one MERGE per node and per relationship, each in its own transaction,
     timed on the first plans' subgraph (about ``--naive-elements`` elements) and extrapolated
     per element (said so in the output);
   * ``neo4j-admin database import full`` of the project's CSV export (server stopped), the
     wall time of the import command (a fresh JVM, as a user would run it).
3. Prints the rates and their ratios from this one run.

Not a test: nothing here asserts; the goals (>= 30x naive, >= 25% of admin import) are printed.
"""
from __future__ import annotations

import argparse
import json
import secrets
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402

from policykg.devserver import DevServer, fetch_jars  # noqa: E402
from policykg.graph import neo4j_load, schema, writers  # noqa: E402
from policykg.graph.neo4j_load import Connection  # noqa: E402


def built_graph(n_plans: int, seed: int, work: Path):
    """Generate and build the corpus once; later runs read out/graph.json."""
    from policykg.build import build

    base = work / f"plans{n_plans}-seed{seed}"
    out = base / "out"
    stamp = out / "built.json"
    if stamp.exists() and (out / writers.GRAPH_JSON).exists():
        print(f"corpus: reusing {out} ({json.loads(stamp.read_text())})", flush=True)
        return writers.read_json(out / writers.GRAPH_JSON), out
    t0 = time.monotonic()
    files = corpus.generate(n_plans, base / "plans", seed)
    result = build(files)
    took = time.monotonic() - t0
    writers.write_all(result.graph, out)
    info = {"plans": len(result.plans), "problems": len(result.problems), "build_seconds": round(took, 1)}
    stamp.write_text(json.dumps(info))
    print(f"corpus: built {info} into {out}", flush=True)
    return result.graph, out


def empty(driver) -> None:
    with driver.session() as s:
        s.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


def count(driver) -> tuple[int, int]:
    n = driver.execute_query("MATCH (n) RETURN count(n) AS c").records[0]["c"]
    r = driver.execute_query("MATCH ()-[r]->() RETURN count(r) AS c").records[0]["c"]
    return n, r


def naive_subset(graph, target: int):
    """Nodes and relationships of the first plans (sorted by id), about ``target`` elements."""
    plans = sorted(n for n, d in graph.nodes(data=True) if d["label"] == schema.PLAN)
    owned = {}
    for n in graph.nodes:
        owner = neo4j_load._owner(graph, n)  # noqa: SLF001
        if owner is not None:
            owned.setdefault(owner, []).append(n)
    nodes, edges = set(), []
    for plan in plans:
        for n in owned[plan]:
            nodes.add(n)
            for u, v, k, data in graph.out_edges(n, keys=True, data=True):
                nodes.add(v)
                edges.append((u, v, k, data))
        if len(nodes) + len(edges) >= target:
            break
    # Plan → plan relationships need both ends: keep only those whose target is in the subset.
    edges = [e for e in edges if e[1] in nodes]
    return sorted(nodes), edges


def naive_load(driver, graph, nodes, edges) -> float:
    """One MERGE per element, one transaction each (the pattern people start with)."""
    props = neo4j_load._props  # noqa: SLF001
    t0 = time.monotonic()
    with driver.session() as session:
        for n in nodes:
            label = schema.check_label(graph.nodes[n]["label"])
            session.execute_write(lambda tx: tx.run(f"MERGE (n:{label} {{id: $id}}) SET n += $props",
                                                    id=n, props=props(graph.nodes[n])).consume())
        for u, v, k, data in edges:
            a, b = graph.nodes[u]["label"], graph.nodes[v]["label"]
            q = (f"MATCH (a:{a} {{id: $u}}) MATCH (b:{b} {{id: $v}}) "
                 f"MERGE (a)-[r:{schema.check_type(k)}]->(b) SET r += $props")
            session.execute_write(lambda tx: tx.run(q, u=u, v=v, props=props(data)).consume())
    return time.monotonic() - t0


def admin_import(server: DevServer, csv_dir: Path) -> float:
    args = ["database", "import", "full", "neo4j", "--overwrite-destination=true",
            "--array-delimiter=;", "--skip-duplicate-nodes=false", "--bad-tolerance=0"]
    for f in sorted(csv_dir.glob("nodes_*.csv")):
        args.append(f"--nodes={f}")
    for f in sorted(csv_dir.glob("rels_*.csv")):
        args.append(f"--relationships={f}")
    t0 = time.monotonic()
    proc = server.admin(*args)
    took = time.monotonic() - t0
    if proc.returncode != 0:
        raise SystemExit(f"neo4j-admin import failed ({proc.returncode}):\n{(proc.stdout + proc.stderr)[-3000:]}")
    return took


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plans", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--work", type=Path, default=Path("/tmp/policykg-bench"))
    ap.add_argument("--rows-per-batch", default="5000,20000", help="comma-separated values to try")
    ap.add_argument("--naive-elements", type=int, default=3000, help="elements the naive loader is timed on")
    ap.add_argument("--heap", default="1g")
    args = ap.parse_args(argv)

    args.work.mkdir(parents=True, exist_ok=True)
    graph, out = built_graph(args.plans, args.seed, args.work)
    elements = graph.number_of_nodes() + graph.number_of_edges()
    n_plans = sum(1 for _, d in graph.nodes(data=True) if d["label"] == schema.PLAN)
    print(f"graph: {n_plans} plans, {graph.number_of_nodes()} nodes + {graph.number_of_edges()} relationships "
          f"= {elements} elements", flush=True)

    home = args.work / "server"
    shutil.rmtree(home, ignore_errors=True)
    # An explicit password: a generated one may start with "-", which neo4j-admin reads as an option.
    server = DevServer(home, password="bench-" + secrets.token_hex(8), heap=args.heap, lib_dir=fetch_jars())
    server.start()
    rates: dict[str, float] = {}
    try:
        connection = Connection(server.uri, server.user, server.password)
        with connection.driver() as driver:
            neo4j_load.ensure_schema(driver, "neo4j")
            # The first load runs on a fresh JVM (Neo4j's code not yet JIT-compiled): it is shown
            # as "cold" and not used for the ratios; the naive loader runs on the warm server too.
            sizes = [int(x) for x in args.rows_per_batch.split(",")]
            for i, batch_size in enumerate([sizes[-1], *sizes]):
                empty(driver)
                t0 = time.monotonic()
                stats = neo4j_load.load_graph(graph, connection, rows_per_batch=batch_size)
                took = time.monotonic() - t0
                assert count(driver) == (graph.number_of_nodes(), graph.number_of_edges()), count(driver)
                rate = elements / took
                if i == 0:
                    rates["cold"] = rate
                elif rate > rates.get("loader", 0.0):
                    rates["loader"], best = rate, batch_size
                print(f"loader rows_per_batch={batch_size}{' (cold JVM)' if i == 0 else ''}: {took:.1f} s, "
                      f"{rate:,.0f} elements/s ({stats.transactions} transactions)", flush=True)
            t0 = time.monotonic()
            again = neo4j_load.load_graph(graph, connection, rows_per_batch=best)
            took = time.monotonic() - t0
            print(f"loader re-load unchanged (rows_per_batch={best}): {took:.1f} s, {elements / took:,.0f} elements/s, "
                  f"created {again.nodes_created}+{again.relationships_created}, deleted "
                  f"{again.nodes_deleted}+{again.relationships_deleted}", flush=True)

            empty(driver)
            nodes, edges = naive_subset(graph, args.naive_elements)
            took = naive_load(driver, graph, nodes, edges)
            subset = len(nodes) + len(edges)
            rates["naive"] = subset / took
            print(f"naive (MERGE per element, transaction per element): {subset} elements in {took:.1f} s = "
                  f"{rates['naive']:,.0f} elements/s; timed on a subset of {subset} of {elements} elements, "
                  f"extrapolated per element: about {elements / rates['naive']:.0f} s for the whole graph",
                  flush=True)
        server.stop()
        took = admin_import(server, out / writers.CSV_DIR)
        rates["admin"] = elements / took
        print(f"neo4j-admin database import full (server stopped, wall time incl. JVM start): {took:.1f} s, "
              f"{rates['admin']:,.0f} elements/s", flush=True)
        server.start()
        with connection.driver() as driver:
            got = count(driver)
        print(f"after import: {got[0]} nodes, {got[1]} relationships", flush=True)
    finally:
        server.stop()
    print(f"\nratios (same run, best warm loader run): loader / naive = {rates['loader'] / rates['naive']:.1f}x "
          f"(goal >= 30x); loader / admin import = {100 * rates['loader'] / rates['admin']:.0f}% (goal >= 25%)")
    print(f"cold-JVM loader run: {rates['cold'] / rates['naive']:.1f}x naive, "
          f"{100 * rates['cold'] / rates['admin']:.0f}% of admin import")
    return 0


if __name__ == "__main__":
    sys.exit(main())
