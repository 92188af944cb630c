"""The ``policykg`` command: a thin click layer over the library.

Each command calls library functions; shared option decorators keep flags consistent; library
errors become ``click.ClickException`` with a short message.
"""
from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from policykg import build as build_lib
from policykg.graph import model, writers


def neo4j_options(fn):
    """Connection settings named as Neo4j's own tools name them."""

    @click.option("--uri", envvar="NEO4J_URI", default="bolt://localhost:7687", show_default=True,
                  help="Bolt URI of the server [env NEO4J_URI].")
    @click.option("--user", envvar="NEO4J_USERNAME", default="neo4j", show_default=True,
                  help="User name [env NEO4J_USERNAME].")
    @click.option("--password", envvar="NEO4J_PASSWORD", default=None, show_default=False,
                  help="Password [env NEO4J_PASSWORD]; never printed.")
    @click.option("--database", envvar="NEO4J_DATABASE", default="neo4j", show_default=True,
                  help="Database name [env NEO4J_DATABASE].")
    @functools.wraps(fn)
    def wrapper(*args, uri, user, password, database, **kwargs):
        from policykg.graph.neo4j_load import Connection

        if not password:
            raise click.ClickException("no Neo4j password: set NEO4J_PASSWORD or pass --password")
        return fn(*args, connection=Connection(uri, user, password, database), **kwargs)

    return wrapper


def quiet_option(fn):
    return click.option("--quiet", "-q", is_flag=True, help="Print only the summary and problems.")(fn)


def inputs_argument(fn):
    return click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))(fn)


class Progress:
    """A tqdm bar on a terminal, nothing otherwise (or with --quiet)."""

    def __init__(self, total: int, desc: str, quiet: bool):
        self.bar = None
        if not quiet and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc=desc, unit="plan", file=sys.stderr)

    def __call__(self, n: int) -> None:
        if self.bar:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar:
            self.bar.close()


def _report_problems(problems) -> None:
    for problem in problems:
        click.echo(f"problem: {problem}", err=True)


@click.group()
@click.version_option(package_name="policykg")
def cli():
    """Chinese health plans → a knowledge graph (JSON, GraphML, CSV, Neo4j)."""


@cli.command()
@inputs_argument
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("out"), show_default=True,
              help="Folder for graph.json, graph.graphml and neo4j-import/*.csv.")
@click.option("--neo4j", "to_neo4j", is_flag=True, help="Also load the graph into Neo4j.")
@click.option("--uri", envvar="NEO4J_URI", default="bolt://localhost:7687", show_default=True,
              help="With --neo4j: Bolt URI [env NEO4J_URI].")
@click.option("--user", envvar="NEO4J_USERNAME", default="neo4j", show_default=True,
              help="With --neo4j: user name [env NEO4J_USERNAME].")
@click.option("--password", envvar="NEO4J_PASSWORD", default=None, help="With --neo4j: password [env NEO4J_PASSWORD].")
@click.option("--database", envvar="NEO4J_DATABASE", default="neo4j", show_default=True,
              help="With --neo4j: database [env NEO4J_DATABASE].")
@click.option("--strict", is_flag=True, help="Fail when any input file fails.")
@quiet_option
def build(paths, out_dir, to_neo4j, uri, user, password, database, strict, quiet):
    """Extract, resolve and link the plans in PATHS; write the graph to --out."""
    files = build_lib.input_files(paths)
    if not files:
        raise click.ClickException(f"no plan files found in {', '.join(map(str, paths))}")
    progress = Progress(len(files), "extract", quiet)
    result = build_lib.build(files, progress=progress)
    progress.close()
    _report_problems(result.problems)
    if not result.plans:
        raise click.ClickException("no plan could be read; nothing written")
    written = writers.write_all(result.graph, out_dir)
    _print_summary(result, out_dir, len(written))
    if to_neo4j:
        if not password:
            raise click.ClickException("no Neo4j password: set NEO4J_PASSWORD or pass --password")
        from policykg.graph.neo4j_load import Connection

        _load(result.graph, Connection(uri, user, password, database), quiet)
    if result.problems:
        sys.exit(2 if strict else 1)


def _print_summary(result, out_dir: Path, files_written: int) -> None:
    s = model.summary(result.graph)
    click.echo(f"plans: {len(result.plans)}  problems: {len(result.problems)}")
    for plan in result.plans:
        m = plan.meta
        click.echo(f"  {plan.document.name}: {m.title or '(no title)'} | {m.level or '?'} {m.region or '?'} "
                   f"{m.year or '?'} | {len(plan.mentions)} mentions")
    labels = "  ".join(f"{k} {v}" for k, v in s["labels"].items())
    click.echo(f"nodes: {s['nodes']}  relationships: {s['relationships']}")
    click.echo(f"  {labels}")
    click.echo(f"entities shared by 2+ plans: {s['shared_entities']}  plan alignments (ALIGNS_WITH): {s['aligns_with']}")
    click.echo(f"wrote {files_written} files to {out_dir}/")


def _load(graph, connection, quiet: bool, rows_per_batch: int = 5000):
    from policykg.graph import neo4j_load

    plans = sum(1 for _, d in graph.nodes(data=True) if d["label"] == "Plan")
    progress = Progress(plans, "load", quiet)
    try:
        stats = neo4j_load.load_graph(graph, connection, rows_per_batch, progress=progress)
    except neo4j_load.LoadError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(exc.exit_code)
    finally:
        progress.close()
    click.echo(f"loaded {stats.plans} plans into {connection.uri} (database {connection.database}): "
               f"{stats.nodes_created} nodes and {stats.relationships_created} relationships created, "
               f"{stats.relationships_deleted} relationships and {stats.nodes_deleted} nodes deleted")
    return stats


@cli.command()
@click.argument("out_dir", type=click.Path(exists=True, path_type=Path))
@neo4j_options
@click.option("--wipe", is_flag=True, help="Delete everything in the database first.")
@click.option("--yes", is_flag=True, help="Do not ask before --wipe.")
@click.option("--dry-run", is_flag=True, help="Print what would be written, connect to nothing.")
@quiet_option
def load(out_dir, connection, wipe, yes, dry_run, quiet):
    """Load a graph written by `policykg build` (OUT_DIR/graph.json) into Neo4j."""
    from policykg.graph import neo4j_load

    path = out_dir / writers.GRAPH_JSON if out_dir.is_dir() else out_dir
    try:
        graph = writers.read_json(path)
    except (OSError, ValueError, KeyError) as exc:
        raise click.ClickException(f"{path}: not a policykg graph ({exc})") from None
    if dry_run:
        click.echo(json.dumps(neo4j_load.dry_run(graph), ensure_ascii=False, indent=1))
        return
    if wipe:
        if not yes:
            click.confirm(f"Delete every node in database {connection.database!r} at {connection.uri}?", abort=True)
        with connection.driver() as driver:
            try:
                neo4j_load.check_server(driver, connection.database)
            except neo4j_load.LoadError as exc:
                click.echo(f"Error: {exc}", err=True)
                sys.exit(exc.exit_code)
            neo4j_load.wipe(driver, connection.database)
    _load(graph, connection, quiet)


@cli.command("extract")
@inputs_argument
@click.option("--format", "fmt", type=click.Choice(["jsonl", "table"]), default="jsonl", show_default=True)
def extract_cmd(paths, fmt):
    """Print every entity mention: one JSON object a line (doc, text, label, canonical, start, end)."""
    files = build_lib.input_files(paths)
    result = build_lib.build(files)
    _report_problems(result.problems)
    for plan in result.plans:
        for m in plan.mentions:
            if fmt == "jsonl":
                click.echo(json.dumps({"doc": m.doc, "text": m.text, "label": m.label, "canonical": m.canonical,
                                       "start": m.start, "end": m.end}, ensure_ascii=False))
            else:
                click.echo(f"{m.doc}\t{m.start}-{m.end}\t{m.label}\t{m.text}\t{m.canonical}")
    if result.problems:
        sys.exit(1)


@cli.command()
@click.option("--gold", "gold_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), required=True,
              help="Folder with seeds.json, documents.json (and shared_initiatives.json).")
@click.option("--seeds", "seeds_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Folder of the annotated plans (default: GOLD/../seeds).")
@click.option("--show", default=0, show_default=True, help="Also print up to N misses and false hits per label.")
def eval(gold_dir, seeds_dir, show):
    """Score extraction, canonical names, metadata and cross-plan links against gold annotations."""
    from policykg import evaluate

    seeds_dir = seeds_dir or gold_dir.parent / "seeds"
    files = [seeds_dir / name for name in evaluate.gold_files(gold_dir)]
    missing = [str(f) for f in files if not f.exists()]
    if missing:
        raise click.ClickException(f"annotated plans not found: {', '.join(missing)}")
    result = build_lib.build(files)
    click.echo(evaluate.report(result, gold_dir, show=show))


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="HTML file to write (default: FILE name + .html).")
def show(file, output):
    """Render the spans found in FILE with spaCy's displacy to an HTML file."""
    from policykg.show import render

    output = output or Path(file.name + ".html")
    try:
        html = render(file)
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"{file}: {exc}") from None
    output.write_text(html, encoding="utf-8")
    click.echo(f"wrote {output}")


def main():
    cli()


if __name__ == "__main__":
    main()
