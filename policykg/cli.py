"""The ``policykg`` command: a thin click layer over the library.

Each command calls library functions; shared option decorators keep flags consistent; library
errors become ``click.ClickException`` with a short message.
"""
from __future__ import annotations

import atexit
import functools
import json
import os
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from policykg import runtime
from policykg.extract.readers import DEFAULT_MAX_SIZE
from policykg.graph import writers

# The commands that extract or resolve import policykg.build (and with it spaCy, a second of
# start-up) themselves: `policykg load` and `policykg query` do without it.


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

        connection = Connection(uri, user, password or "", database)  # takes user:password@ out of the URI
        # A dry run, or a build without --neo4j, connects to nothing.
        if not kwargs.get("dry_run") and kwargs.get("to_neo4j", True):
            if not connection.password:
                raise click.ClickException("no Neo4j password: set NEO4J_PASSWORD (in .env, see .env.example) "
                                           "or pass --password")
            if connection.password in PLACEHOLDER_PASSWORDS:
                raise click.ClickException("NEO4J_PASSWORD is still the placeholder of .env.example: choose a "
                                           "password of your own (8+ characters) in .env before the first "
                                           "`docker compose up`")
        return fn(*args, connection=connection, **kwargs)

    return wrapper


# Example passwords of .env.example (this one and earlier ones): refused, everyone knows them.
PLACEHOLDER_PASSWORDS = ("change-me-please",)


def quiet_option(fn):
    return click.option("--quiet", "-q", is_flag=True, help="Print only the summary and problems.")(fn)


def inputs_argument(fn):
    # readable=False: an unreadable file is one problem line of the batch, not a usage error that stops it
    return click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False))(fn)


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


class _Group(click.Group):
    """Ctrl-C ends any command with one line and exit status 130 (128 + SIGINT), as shells expect."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("interrupted (Ctrl-C): stopped; no output file is half-written", err=True)
            ctx.exit(130)


@click.group(cls=_Group)
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
              default=DEFAULT_MAX_SIZE / 1e6, show_default=True, metavar="MB",
              help="Skip input files larger than this many megabytes.")
@click.option("--workers", "-j", type=click.IntRange(min=0), default=1, show_default=True,
              help="Extract in N processes (0: one per CPU). The output is the same for any N.")
@click.option("--cache", "cache_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Keep what extraction made of each file here and reuse it while file and extractor are "
                   "unchanged [default: OUT/.cache].")
@click.option("--no-cache", is_flag=True, help="Extract every file afresh and keep nothing.")
@quiet_option
def build(paths, out_dir, to_neo4j, connection, strict, max_size_mb, workers, cache_dir, no_cache, quiet):
    """Extract, resolve and link the plans in PATHS; write the graph to --out.

    PATHS are files or folders (searched recursively) of .txt, .html/.htm, .docx and .pdf
    documents. A file that cannot be read or is not a Chinese document (at least 200 Chinese
    characters, mostly Chinese text) gets one line on stderr and is skipped; the rest are
    built, with or without a numbered outline. Exit status: 0 all files
    built, 1 some files skipped or repeating another (or none could be read), 2 --strict and some file failed
    (nothing written), 130 interrupted (Ctrl-C). A file built with undecodable bytes replaced
    gets one line too, and counts as built.
    """
    from policykg import build as build_lib

    files, problems = build_lib.find_inputs(paths)
    if not files and not problems:
        raise click.ClickException(f"no plan files found in {', '.join(map(str, paths))}")
    with _new_folder_removed_on_failure(out_dir):
        with Progress(len(files), "extract", quiet, unit="file") as progress:
            plans, extract_problems = build_lib.extract_files(
                files, progress, max_size=int(max_size_mb * 1e6), workers=workers,
                cache_dir=None if no_cache else cache_dir or out_dir / ".cache")
        problems += extract_problems
        _report_problems(problems)
        failed = _skipped(problems)
        if strict and failed:
            click.echo(f"--strict: {len(failed)} of {len(files)} files failed ({_problem_counts(failed)}); "
                       "nothing written", err=True)
            sys.exit(2)
        if not plans:
            raise click.ClickException(f"none of {len(files)} files could be read as a plan "
                                       f"({_problem_counts(failed)}); nothing written")
        result = build_lib.assemble(plans, problems)
        _report_problems(result.problems[len(problems):])  # repeated plans, found when assembling
        report = _plan_report(result, len(files), quiet)
        # The graph holds what the writers need: the plans (texts, offsets, mentions) go, and their
        # memory serves the writers (a third of the peak at 10,000 plans).
        plans = result.plans = []
        result.entities = {}
        with runtime.paused():  # millions of objects made, few freed: no collector passes over them
            written = _write(lambda: writers.write_all(result.graph, out_dir, reuse=not no_cache), out_dir)
    with runtime.paused():  # (a collection now would walk the whole graph)
        _print_summary(result, report, out_dir, len(written), len(files))
    if to_neo4j:
        with runtime.paused():
            _load(result.graph, connection, quiet)
    if _skipped(result.problems):  # a file skipped, or a repeat counted once
        sys.exit(1)


@contextmanager
def _new_folder_removed_on_failure(out_dir: Path):
    """A build that fails (--strict, nothing readable, Ctrl-C, a full disk) leaves no output folder
    it created, so not its build cache either; a folder that was there keeps its files."""
    created = not out_dir.exists()
    try:
        yield
    except BaseException:
        if created:
            shutil.rmtree(out_dir, ignore_errors=True)
        raise


def _skipped(problems) -> list:
    """The problems that cost a file (not those of a file built with repairs)."""
    return [p for p in problems if p.skipped]


def _write(write, where: Path):
    """Run a writer; a full disk or a read-only folder becomes one line (every file is written
    to a temporary name and renamed when whole, so none is left half-written)."""
    try:
        return write()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise click.ClickException(f"cannot write {exc.filename or where}: {reason}; "
                                   "files already there are left as they were") from None


def _problem_counts(problems) -> str:
    counts: dict[str, int] = {}
    for problem in problems:
        kind = getattr(problem, "kind", "error")
        counts[kind] = counts.get(kind, 0) + 1
    return ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _plan_report(result, files: int, quiet: bool = False, plans_listed: int = 20) -> list[str]:
    """The summary's lines about the plans (how many, which), made while the plans are at hand."""
    from policykg.extract.structure import has_outline

    lines = [f"plans: {len(result.plans)}  problems: {len(result.problems)}  (files: {files})"]
    no_outline = sum(1 for plan in result.plans if not has_outline(plan.structure))
    if no_outline:
        lines.append(f"  {no_outline} without a numbered outline (their paragraphs are the units)")
    if not quiet:
        for plan in result.plans[:plans_listed]:
            m = plan.meta
            lines.append(f"  {plan.document.name}: {m.title or '(no title)'} | {m.level or '?'} {m.region or '?'} "
                         f"{m.year or '?'} | {len(plan.mentions)} mentions")
        if len(result.plans) > plans_listed:
            lines.append(f"  … and {len(result.plans) - plans_listed} more plans")
    return lines


def _print_summary(result, report: list[str], out_dir: Path, files_written: int, files: int) -> None:
    from policykg.graph import model

    s = model.summary(result.graph)
    for line in report:
        click.echo(line)
    labels = "  ".join(f"{k} {v}" for k, v in s["labels"].items())
    click.echo(f"nodes: {s['nodes']}  relationships: {s['relationships']}")
    click.echo(f"  {labels}")
    click.echo(f"entities shared by 2+ plans: {s['shared_entities']}  plan alignments (ALIGNS_WITH): {s['aligns_with']}")
    click.echo(f"wrote {files_written} files to {out_dir}/")
    skipped = _skipped(result.problems)
    if skipped:
        click.echo(f"skipped {len(skipped)} of {files} files: {_problem_counts(skipped)}")


def _load(graph, connection, quiet: bool, rows_per_batch: int = 5000, wipe: bool = False, index=None):
    """Load into Neo4j (``graph``, or the skeleton of ``index``: load_index); a LoadError becomes
    one line on stderr and its distinct exit code."""
    from policykg.graph import neo4j_load

    graph = index.graph if index is not None else graph

    def waiting(holder: str) -> None:
        click.echo(f"waiting for another load of database {connection.database!r} to finish ({holder}) …",
                   err=True)

    plans = sum(1 for _, d in graph.nodes(data=True) if d["label"] == "Plan")
    progress = Progress(plans, "load", quiet)
    try:
        stats = neo4j_load.load_graph(None if index else graph, connection, rows_per_batch, progress=progress,
                                      wipe=wipe, on_wait=waiting, index=index)
    except neo4j_load.LoadError as exc:
        progress.close()
        click.echo(f"Error: {exc}", err=True)
        sys.exit(exc.exit_code)
    finally:
        progress.close()
    click.echo(f"loaded {stats.plans} plans into {connection.uri} (database {connection.database}; "
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
              help="About this many nodes + relationships per transaction (whole plans per transaction; "
                   "--wipe deletes this many per transaction).")
@quiet_option
def load(out_dir, connection, wipe, yes, dry_run, rows_per_batch, quiet):
    """Load a graph written by `policykg build` (OUT_DIR/graph.json) into Neo4j.

    Each plan lands whole or not at all; loading the same graph again changes nothing, and a
    changed plan replaces its earlier version. One load (or --wipe) of a database runs at a time:
    another one waits for it (up to 10 minutes). Exit status: 0 loaded, 3 server unreachable,
    4 wrong user name or password, 5 no such database, 6 unsupported Neo4j version,
    7 connection lost during the load (re-run to finish), 8 the server refused a write,
    9 another load kept the database busy (nothing written).
    """
    from policykg.graph import load_index, neo4j_load

    path = out_dir / writers.GRAPH_JSON if out_dir.is_dir() else out_dir
    with runtime.paused():  # the graph's million objects live to the end: no collector passes over them
        # The build's index: only what is sent is read of graph.json (a dry run counts all of it).
        index = None if dry_run else load_index.open_index(path)
        try:
            graph = writers.read_json(path) if index is None else None
        except (OSError, ValueError, KeyError) as exc:
            raise click.ClickException(f"{path}: not a policykg graph ({exc})") from None
        if dry_run:
            click.echo(json.dumps(neo4j_load.dry_run(graph, rows_per_batch), ensure_ascii=False, indent=1))
            return
        if wipe and not yes:
            click.confirm(f"Delete every node in database {connection.database!r} at {connection.uri}?", abort=True)
        try:
            _load(graph, connection, quiet, rows_per_batch, wipe=wipe, index=index)
        finally:
            if index is not None:
                index.close()


@cli.command("extract")
@inputs_argument
@click.option("--format", "fmt", type=click.Choice(["jsonl", "table"]), default="jsonl", show_default=True)
def extract_cmd(paths, fmt):
    """Print every entity mention: one JSON object a line (doc, text, label, canonical, start, end)."""
    from policykg import build as build_lib

    result = build_lib.build(paths)
    _report_problems(result.problems)
    for plan in result.plans:
        for m in plan.mentions:
            if fmt == "jsonl":
                click.echo(json.dumps({"doc": m.doc, "text": m.text, "label": m.label, "canonical": m.canonical,
                                       "start": m.start, "end": m.end}, ensure_ascii=False))
            else:
                click.echo(f"{m.doc}\t{m.start}-{m.end}\t{m.label}\t{m.text}\t{m.canonical}")
    if _skipped(result.problems):
        sys.exit(1)


@cli.command("targets")
@inputs_argument
@click.option("--format", "fmt", type=click.Choice(["csv", "table"]), default="csv", show_default=True)
def targets_cmd(paths, fmt):
    """Print the quantitative targets (指标) of the plans in PATHS, one row per target: plan, region,
    level, year, indicator, canonical, direction, value, unit, deadline, sentence (csv: all columns)."""
    from policykg import build as build_lib
    from policykg import panel

    files = build_lib.input_files(paths)
    if not files:
        raise click.ClickException(f"no plan files found in {', '.join(map(str, paths))}")
    rows, problems = panel.extract_panel(files)
    _report_problems(problems)
    click.echo(panel.render(rows, fmt), nl=False)
    if problems:
        sys.exit(1)


@cli.command()
@click.option("--gold", "gold_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), required=True,
              help="Folder with seeds.json, documents.json (and shared_initiatives.json).")
@click.option("--seeds", "seeds_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Folder of the annotated plans (default: GOLD/../seeds).")
@click.option("--dev", "dev_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Folder of more texts (docs/*.txt) with their documents.json: their metadata is scored "
                   "per field next to the seeds' (default: GOLD/../dev where it exists).")
@click.option("--show", default=0, show_default=True, help="Also print up to N misses and false hits per label.")
def eval(gold_dir, seeds_dir, dev_dir, show):
    """Score extraction, canonical names, metadata and cross-plan links against gold annotations."""
    from policykg import build as build_lib
    from policykg import evaluate

    seeds_dir = seeds_dir or gold_dir.parent / "seeds"
    files = [seeds_dir / name for name in evaluate.gold_files(gold_dir)]
    missing = [str(f) for f in files if not f.exists()]
    if missing:
        raise click.ClickException(f"annotated plans not found: {', '.join(missing)}")
    result = build_lib.build(files)
    if dev_dir is None and (gold_dir.parent / "dev" / "documents.json").is_file():
        dev_dir = gold_dir.parent / "dev"
    dev = None
    if dev_dir is not None:
        if not (dev_dir / "documents.json").is_file():
            raise click.ClickException(f"{dev_dir}: no documents.json")
        dev = (build_lib.build([dev_dir / "docs" if (dev_dir / "docs").is_dir() else dev_dir]), dev_dir)
    click.echo(evaluate.report(result, gold_dir, show=show, dev=dev))


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
    _write(lambda: writers.write_text(output, html), output)
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
    _write(lambda: writers.write_text(output, html), output)
    click.echo(f"wrote {output} ({graph.number_of_nodes()} nodes)")


def main():
    """The console script. A finished command ends the process at once, its output flushed and the
    atexit handlers run, without the interpreter's teardown: freeing a graph's millions of
    objects one by one took a second per thousand plans, for nothing. Under a profiler it
    returns as usual."""
    if sys.getprofile() is not None:  # python -m cProfile writes its figures after main returns
        return cli()
    try:
        cli()
        status = 0
    except SystemExit as done:
        status = done.code
    if status is not None and not isinstance(status, int):  # sys.exit("message"), as Python prints it
        print(status, file=sys.stderr)
        status = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (… | head): nothing more to say there
            pass
    os._exit(status or 0)


if __name__ == "__main__":
    main()
