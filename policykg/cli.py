"""The ``policykg`` command: a thin click layer over the library.

Each command calls library functions; shared option decorators keep flags consistent; library
errors become ``click.ClickException`` with a short message.
"""
from __future__ import annotations

import functools
import json
import os
import sys
from pathlib import Path

import click

from policykg import build as build_lib
from policykg import runtime
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
        if not kwargs.get("to_neo4j", True):  # a build without --neo4j: no driver to import (a second of start-up)
            return fn(*args, connection=None, **kwargs)
        from policykg.graph.neo4j_load import Connection

        # A dry run connects to nothing.
        if not password and not kwargs.get("dry_run"):
            raise click.ClickException("no Neo4j password: set NEO4J_PASSWORD or pass --password")
        return fn(*args, connection=Connection(uri, user, password or "", database), **kwargs)

    return wrapper


def quiet_option(fn):
    return click.option("--quiet", "-q", is_flag=True, help="Print only the summary and problems.")(fn)


def inputs_argument(fn):
    return click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))(fn)


class Progress:
    """A tqdm bar (count, total, rate, time left) on a terminal; nothing when stderr is not a
    terminal (logs, pipes, CI) or with --quiet. Call it with the number of items just done."""

    def __init__(self, total: int, desc: str, quiet: bool, unit: str = "plan"):
        self.bar = None
        if not quiet and total and sys.stderr.isatty():
            from tqdm import tqdm

            tqdm.monitor_interval = 0  # no monitor thread: extraction workers are forked
            self.bar = tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, dynamic_ncols=True,
                            mininterval=0.2, smoothing=0.1)

    def __call__(self, n: int = 1) -> None:
        if self.bar:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar:
            self.bar.close()
            self.bar = None

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _report_problems(problems) -> None:
    """One line per failed file: file, what went wrong, what was done."""
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
@neo4j_options
@click.option("--strict", is_flag=True,
              help="Any file that fails is fatal: stop before writing anything (exit 2).")
@click.option("--max-size", "max_size_mb", type=click.FloatRange(min=0, min_open=True),
              default=build_lib.DEFAULT_MAX_SIZE / 1e6, show_default=True, metavar="MB",
              help="Skip input files larger than this many megabytes.")
@click.option("--workers", "-j", type=click.IntRange(min=0), default=1, show_default=True,
              help="Extract in N processes and write the output files side by side (0: one per CPU). The output is the same for any N.")
@click.option("--cache", "cache_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Keep what extraction made of each file here and reuse it while file and extractor are "
                   "unchanged [default: OUT/.cache].")
@click.option("--no-cache", is_flag=True, help="Extract every file afresh and keep nothing.")
@quiet_option
def build(paths, out_dir, to_neo4j, connection, strict, max_size_mb, workers, cache_dir, no_cache, quiet):
    """Extract, resolve and link the plans in PATHS; write the graph to --out.

    PATHS are files or folders (searched recursively) of .txt, .html/.htm, .docx and .pdf
    plans. A file that cannot be read or is not a plan (a plan has at least 200 Chinese
    characters, mostly Chinese text, and at least 2 numbered headings: 一、 / 1. / （1）)
    gets one line on stderr and is skipped; the rest are built. Exit status: 0 all files
    built, 1 some files skipped (or none could be read), 2 --strict and some file failed
    (nothing written).
    """
    files = build_lib.input_files(paths)
    if not files:
        raise click.ClickException(f"no plan files found in {', '.join(map(str, paths))}")
    with Progress(len(files), "extract", quiet, unit="file") as progress:
        plans, problems = build_lib.extract_files(files, progress, max_size=int(max_size_mb * 1e6),
                                                  workers=workers,
                                                  cache_dir=None if no_cache else cache_dir or out_dir / ".cache")
    _report_problems(problems)
    if strict and problems:
        click.echo(f"--strict: {len(problems)} of {len(files)} files failed ({_problem_counts(problems)}); "
                   "nothing written", err=True)
        sys.exit(2)
    if not plans:
        raise click.ClickException(f"none of {len(files)} files could be read as a plan "
                                   f"({_problem_counts(problems)}); nothing written")
    result = build_lib.assemble(plans, problems)
    with runtime.paused():  # millions of objects made, few freed: no collector passes over them
        written = writers.write_all(result.graph, out_dir, workers=workers or os.cpu_count() or 1)
    _print_summary(result, out_dir, len(written), files=len(files), quiet=quiet)
    if to_neo4j:
        _load(result.graph, connection, quiet)
    if result.problems:
        sys.exit(1)


def _problem_counts(problems) -> str:
    counts: dict[str, int] = {}
    for problem in problems:
        kind = getattr(problem, "kind", "error")
        counts[kind] = counts.get(kind, 0) + 1
    return ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _print_summary(result, out_dir: Path, files_written: int, files: int | None = None, quiet: bool = False,
                   plans_listed: int = 20) -> None:
    s = model.summary(result.graph)
    files = files if files is not None else len(result.plans) + len(result.problems)
    click.echo(f"plans: {len(result.plans)}  problems: {len(result.problems)}  (files: {files})")
    if not quiet:
        for plan in result.plans[:plans_listed]:
            m = plan.meta
            click.echo(f"  {plan.document.name}: {m.title or '(no title)'} | {m.level or '?'} {m.region or '?'} "
                       f"{m.year or '?'} | {len(plan.mentions)} mentions")
        if len(result.plans) > plans_listed:
            click.echo(f"  … and {len(result.plans) - plans_listed} more plans")
    labels = "  ".join(f"{k} {v}" for k, v in s["labels"].items())
    click.echo(f"nodes: {s['nodes']}  relationships: {s['relationships']}")
    click.echo(f"  {labels}")
    click.echo(f"entities shared by 2+ plans: {s['shared_entities']}  plan alignments (ALIGNS_WITH): {s['aligns_with']}")
    click.echo(f"wrote {files_written} files to {out_dir}/")
    if result.problems:
        click.echo(f"skipped {len(result.problems)} of {files} files: {_problem_counts(result.problems)}")


def _load(graph, connection, quiet: bool, rows_per_batch: int = 5000):
    """Load into Neo4j; a LoadError becomes one line on stderr and its distinct exit code."""
    from policykg.graph import neo4j_load

    plans = sum(1 for _, d in graph.nodes(data=True) if d["label"] == "Plan")
    progress = Progress(plans, "load", quiet)
    try:
        stats = neo4j_load.load_graph(graph, connection, rows_per_batch, progress=progress)
    except neo4j_load.LoadError as exc:
        progress.close()
        click.echo(f"Error: {exc}", err=True)
        sys.exit(exc.exit_code)
    finally:
        progress.close()
    click.echo(f"loaded {stats.plans} plans into {connection.safe_uri()} (database {connection.database}; "
               f"{stats.plans_sent} new or changed, {stats.plans - stats.plans_sent} unchanged): "
               f"{stats.nodes_created} nodes and {stats.relationships_created} relationships created, "
               f"{stats.relationships_deleted} relationships and {stats.nodes_deleted} nodes deleted")
    return stats


@cli.command()
@click.argument("out_dir", type=click.Path(exists=True, path_type=Path))
@neo4j_options
@click.option("--wipe", is_flag=True, help="Delete every node and relationship in the database first (asks unless --yes).")
@click.option("--yes", is_flag=True, help="Do not ask before --wipe.")
@click.option("--dry-run", is_flag=True, help="Print what would be written, connect to nothing.")
@click.option("--batch-size", "rows_per_batch", type=click.IntRange(min=1), default=5000, show_default=True,
              help="About this many nodes + relationships per transaction (whole plans per transaction).")
@quiet_option
def load(out_dir, connection, wipe, yes, dry_run, rows_per_batch, quiet):
    """Load a graph written by `policykg build` (OUT_DIR/graph.json) into Neo4j.

    Each plan lands whole or not at all; loading the same graph again changes nothing, and a
    changed plan replaces its earlier version. Exit status: 0 loaded, 3 server unreachable,
    4 wrong user name or password, 5 no such database, 6 unsupported Neo4j version,
    7 connection lost during the load (re-run to finish), 8 the server refused a write.
    """
    from policykg.graph import neo4j_load

    path = out_dir / writers.GRAPH_JSON if out_dir.is_dir() else out_dir
    try:
        graph = writers.read_json(path)
    except (OSError, ValueError, KeyError) as exc:
        raise click.ClickException(f"{path}: not a policykg graph ({exc})") from None
    if dry_run:
        click.echo(json.dumps(neo4j_load.dry_run(graph, rows_per_batch), ensure_ascii=False, indent=1))
        return
    if wipe:
        if not yes:
            click.confirm(f"Delete every node in database {connection.database!r} at {connection.safe_uri()}?",
                          abort=True)
        try:
            neo4j_load.wipe_database(connection)
        except neo4j_load.LoadError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(exc.exit_code)
    _load(graph, connection, quiet, rows_per_batch)


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


def _list_queries(ctx, _param, value):
    if not value or ctx.resilient_parsing:
        return
    from policykg.graph import queries

    for q in queries.list_queries():
        click.echo(f"{q.name:28} {q.question}")
        for p in q.params:
            default = f" (default {p.default!r})" if p.has_default else ""
            click.echo(f"{'':30}${p.name}: {p.meaning}{default}")
    ctx.exit()


def _print_cypher(ctx, _param, value):
    if not value or ctx.resilient_parsing:
        return
    from policykg.graph import queries

    try:
        click.echo(queries.get_query(value).text)
    except queries.QueryError as exc:
        raise click.ClickException(str(exc)) from None
    ctx.exit()


@cli.command("query")
@click.argument("name", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="A query parameter (repeatable); numbers become numbers: --param limit=5.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--list", "list_only", is_flag=True, is_eager=True, expose_value=False, callback=_list_queries,
              help="List the library's queries, their questions and parameters (needs no server).")
@click.option("--cypher", metavar="NAME", is_eager=True, expose_value=False, callback=_print_cypher,
              help="Print query NAME's Cypher (needs no server).")
@neo4j_options
def query_cmd(name, params, fmt, connection):
    """Run NAME from the Cypher library (cypher/queries/) on Neo4j and print the answer."""
    from policykg.graph import queries

    if not name:
        raise click.UsageError("give a query NAME (see policykg query --list)")
    try:
        result = queries.run(connection, name, queries.parse_params(params))
    except queries.QueryError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(queries.render(result, fmt))


@cli.command("viz")
@click.argument("out_dir", type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("graph.html"), show_default=True,
              help="HTML file to write.")
@click.option("--title", default="policykg graph", show_default=True, help="Page title.")
@click.option("--no-lexical", is_flag=True, help="Leave out Part and Task nodes.")
def viz_cmd(out_dir, output, title, no_lexical):
    """Write a self-contained interactive HTML view of OUT_DIR/graph.json (works offline)."""
    from policykg.graph import viz

    path = out_dir / writers.GRAPH_JSON if out_dir.is_dir() else out_dir
    try:
        graph = writers.read_json(path)
    except (OSError, ValueError, KeyError) as exc:
        raise click.ClickException(f"{path}: not a policykg graph ({exc})") from None
    html = viz.render_html(graph, title=title, lexical=not no_lexical)
    output.write_text(html, encoding="utf-8")
    click.echo(f"wrote {output} ({graph.number_of_nodes()} nodes)")


def main():
    cli()


if __name__ == "__main__":
    main()
