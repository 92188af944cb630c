"""The Cypher query library (``cypher/queries/*.cypher``): list, describe and run by name.

Each file starts with a header of ``//`` comments::

    // Question: Which initiatives do two plans share?
    // Parameters: $plan_a — first plan: title, region or id (default '上海市')
    // Example: policykg query shared_initiatives --param plan_a=上海市

Parameters given on the command line are text; ``convert_value`` turns ``10`` into an int,
``0.5`` into a float, ``true``/``false``/``null`` and JSON lists into their values, so that
``LIMIT $limit`` receives an integer.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from importlib import resources

QUERY_PACKAGE = "policykg.cypher"
QUERY_DIR = "queries"

_PARAM = re.compile(r"^\$(?P<name>\w+)\s*(?:[—–-]+\s*(?P<meaning>.*?))?\s*(?:\((?:default)[:\s]\s*(?P<default>.*)\))?\s*$")
_INT = re.compile(r"^[+-]?\d+$")
_FLOAT = re.compile(r"^[+-]?(\d+\.\d*|\.\d+|\d+(\.\d*)?[eE][+-]?\d+)$")


class QueryError(Exception):
    """An unknown query, a bad parameter or a query the server refused."""


_NO_DEFAULT = object()


@dataclass(frozen=True)
class Param:
    name: str
    meaning: str = ""
    default: object = _NO_DEFAULT

    @property
    def has_default(self) -> bool:
        return self.default is not _NO_DEFAULT


@dataclass(frozen=True)
class Query:
    name: str
    text: str
    question: str = ""
    params: tuple[Param, ...] = ()
    examples: tuple[str, ...] = ()

    def defaults(self) -> dict:
        return {p.name: p.default for p in self.params if p.has_default}


@dataclass
class Result:
    columns: list[str]
    rows: list[dict] = field(default_factory=list)


def convert_value(text: str):
    """Command-line text → a Cypher parameter value: ints stay ints, quoted text stays text."""
    s = text.strip()
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "'\"":
        return s[1:-1]
    if _INT.match(s):
        return int(s)
    if _FLOAT.match(s):
        return float(s)
    low = s.lower()
    if low in ("true", "false"):
        return low == "true"
    if low == "null":
        return None
    if s.startswith(("[", "{")):
        try:
            return json.loads(s)
        except ValueError:
            pass
    return text


def parse_header(name: str, text: str) -> Query:
    question, params, examples = "", [], []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("//"):
            break  # the header ends at the first line of Cypher
        body = stripped[2:].strip()
        key, _, value = body.partition(":")
        key, value = key.strip().lower(), value.strip()
        if key == "question":
            question = value
        elif key in ("parameters", "parameter", "params"):
            for piece in re.split(r"[;,]\s*(?=\$)", value):
                m = _PARAM.match(piece.strip())
                if m:
                    default = m.group("default")
                    params.append(Param(m.group("name"), (m.group("meaning") or "").strip(),
                                        _NO_DEFAULT if default is None else convert_value(default)))
        elif key == "example":
            examples.append(value)
    # Parameters used in the body but not described still count (without a default).
    described = {p.name for p in params}
    body = "\n".join(line for line in text.splitlines() if not line.strip().startswith("//"))
    for used in dict.fromkeys(re.findall(r"\$(\w+)", body)):
        if used not in described:
            params.append(Param(used))
    return Query(name, text, question, tuple(params), tuple(examples))


def _files():
    folder = resources.files(QUERY_PACKAGE) / QUERY_DIR
    if not folder.is_dir():
        return []
    return sorted((f for f in folder.iterdir() if f.name.endswith(".cypher")), key=lambda f: f.name)


def list_queries() -> list[Query]:
    return [parse_header(f.name[: -len(".cypher")], f.read_text(encoding="utf-8")) for f in _files()]


def get_query(name: str) -> Query:
    for f in _files():
        if f.name == f"{name}.cypher":
            return parse_header(name, f.read_text(encoding="utf-8"))
    known = ", ".join(q.name for q in list_queries())
    raise QueryError(f"no query named {name!r}; known: {known}")


def parse_params(pairs) -> dict:
    """``["limit=5", "name=家庭医生"]`` → ``{"limit": 5, "name": "家庭医生"}``."""
    params = {}
    for pair in pairs or ():
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise QueryError(f"--param takes key=value, not {pair!r}")
        params[key.strip().lstrip("$")] = convert_value(value)
    return params


def bind(query: Query, params: dict | None = None) -> dict:
    """The query's defaults overridden by ``params``; unknown or missing parameters are errors."""
    params = dict(params or {})
    known = {p.name for p in query.params}
    unknown = sorted(set(params) - known)
    if unknown:
        raise QueryError(f"query {query.name!r} has no parameter {', '.join(unknown)}; "
                         f"it takes: {', '.join(sorted(known)) or 'none'}")
    bound = {**query.defaults(), **params}
    missing = sorted(known - set(bound))
    if missing:
        raise QueryError(f"query {query.name!r} needs --param {', '.join(m + '=…' for m in missing)}")
    return bound


def run(connection, name: str, params: dict | None = None) -> Result:
    """Run a library query on Neo4j (``neo4j_load.Connection``) and return its columns and rows.

    The server is checked first as ``load`` checks it (``neo4j_load.connect``): a server that is
    down is a QueryError within seconds, not after the driver's retries."""
    from neo4j import exceptions as neo4j_errors

    from policykg.graph import neo4j_load

    query = get_query(name)
    bound = bind(query, params)
    try:
        with neo4j_load.connect(connection) as driver:
            records, summary, keys = driver.execute_query(query.text, bound, database_=connection.database,
                                                          routing_="r")
    except neo4j_load.LoadError as exc:
        raise QueryError(str(exc)) from None
    except neo4j_errors.Neo4jError as exc:
        raise QueryError(f"query {name!r} failed: {connection.describe(exc)}") from None
    except neo4j_errors.DriverError as exc:
        raise QueryError(f"query {name!r} failed: {connection.describe(exc)}") from None
    return Result(list(keys), [r.data() for r in records])


# ---- output -----------------------------------------------------------------------------------

def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _width(text: str) -> int:
    """Display width: CJK and full-width characters take two columns."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _clip(text: str, limit: int) -> str:
    if _width(text) <= limit:
        return text
    out, used = [], 0
    for c in text:
        w = _width(c)
        if used + w > limit - 1:
            break
        out.append(c)
        used += w
    return "".join(out) + "…"


def format_table(result: Result, max_width: int = 60) -> str:
    cols = result.columns
    cells = [[_clip(_cell(row.get(c)).replace("\n", " "), max_width) for c in cols] for row in result.rows]
    widths = [max([_width(c)] + [_width(r[i]) for r in cells]) for i, c in enumerate(cols)]

    def line(values):
        return " | ".join(v + " " * (w - _width(v)) for v, w in zip(values, widths)).rstrip()

    out = [line(cols), "-+-".join("-" * w for w in widths)]
    out += [line(r) for r in cells]
    out.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})")
    return "\n".join(out)


def format_json(result: Result) -> str:
    return json.dumps(result.rows, ensure_ascii=False, indent=1, default=str)


def format_csv(result: Result) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(result.columns)
    for row in result.rows:
        writer.writerow([_cell(row.get(c)) for c in result.columns])
    return buf.getvalue()


FORMATS = {"table": format_table, "json": format_json, "csv": format_csv}


def render(result: Result, fmt: str = "table") -> str:
    return FORMATS[fmt](result)


# ---- Neo4j Browser: a guide of the library (cypher/browser/guide.html) and a CORS file server -----

def cypher_literal(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(cypher_literal(v) for v in value) + "]"
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def body(query: Query) -> str:
    """The query without its header comments."""
    return "\n".join(line for line in query.text.splitlines() if not line.strip().startswith("//")).strip()


def _slide(title: str, inner: str) -> str:
    return (f'<slide class="row-fluid">\n<div class="col-sm-12">\n<h3>{title}</h3>\n{inner}\n</div>\n</slide>\n')


def _runnable(text: str) -> str:
    import html

    return f'<pre mode="cypher" class="pre-scrollable code runnable">{html.escape(text, quote=False)}</pre>'


# The guide walks from an overview to details; queries not listed here follow by name.
GUIDE_ORDER = ("plan_overview", "shared_initiatives", "three_level_initiatives", "diffusion_timeline",
               "central_initiatives", "plan_alignment", "entity_tasks", "unique_entities", "hospitals_in_region",
               "top_regulations_by_level", "agency_programs", "event_preparations", "search_names")


def render_guide(library: list[Query] | None = None) -> str:
    """HTML slides for Neo4j Browser's ``:play URL``: one slide per query, click to run."""
    import html

    library = list_queries() if library is None else library
    rank = {name: i for i, name in enumerate(GUIDE_ORDER)}
    library = sorted(library, key=lambda q: (rank.get(q.name, len(rank)), q.name))
    slides = [_slide("policykg: Chinese health plans as a graph", (
        "<p>Plans (<code>:Plan</code>, level national / province / municipality / district; doc_type work_plan, summary_and_plan, five_year_plan …) mention hospitals, agencies, "
        "programs, regulations, regions, events and organisations; every <code>MENTIONS</code> keeps the "
        "sentences it came from. Lower-level plans <code>ALIGNS_WITH</code> their parent plans.</p>"
        "<p>Each following slide is one question of the query library <code>cypher/queries/</code> "
        "(also: <code>policykg query NAME</code>). Click a block to put it in the editor, then run it: "
        "first the <code>:params</code> line, then the query.</p>"
        "<p>What is in the database:</p>"
        + _runnable("MATCH (n) RETURN labels(n)[0] AS label, count(*) AS nodes ORDER BY nodes DESC")
        + "<p>The plans and how they align (a graph to look at):</p>"
        + _runnable("MATCH (p:Plan)\nOPTIONAL MATCH (p)-[a:ALIGNS_WITH]->(q:Plan)\n"
                    "OPTIONAL MATCH (p)-[c:COVERS]->(r:Region)\nRETURN p, a, q, c, r")))]
    for q in library:
        params = "".join(f"<li><code>${html.escape(p.name)}</code> — {html.escape(p.meaning)}"
                         + (f" (default <code>{html.escape(cypher_literal(p.default))}</code>)" if p.has_default else "")
                         + "</li>" for p in q.params)
        inner = f"<p>{html.escape(q.question)}</p>"
        if q.params:
            inner += f"<ul>{params}</ul>"
            values = ", ".join(f"{p.name}: {cypher_literal(p.default if p.has_default else None)}" for p in q.params)
            inner += _runnable(f":params {{{values}}}")
        inner += _runnable(body(q))
        inner += f"<p><small>cypher/queries/{html.escape(q.name)}.cypher · <code>policykg query {html.escape(q.name)}</code></small></p>"
        slides.append(_slide(html.escape(q.name.replace("_", " ")), inner))
    slides.append(_slide("More", (
        "<p>Evidence for a graph view: click a node, then a <code>MENTIONS</code> relationship to read its "
        "<code>sentences</code>. Full-text search: "
        "<code>CALL db.index.fulltext.queryNodes('entity_names', '家庭医生')</code>.</p>"
        "<p>Without a server: <code>policykg viz out/ -o graph.html</code> writes an interactive page; "
        "<code>notebooks/explore.ipynb</code> has plots.</p>")))
    return ('<article class="guide">\n<carousel class="deck container-fluid">\n'
            + "".join(slides) + "</carousel>\n</article>\n")


def write_guide(path=None) -> str:
    from pathlib import Path

    text = render_guide()
    path = Path(path) if path else Path(str(resources.files(QUERY_PACKAGE) / "browser" / "guide.html"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def serve_browser_files(port: int = 8001, host: str = "localhost", directory=None) -> None:
    """Serve cypher/browser/ (guide.html, style.grass) with CORS, as Neo4j Browser's :play needs."""
    import functools
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    directory = directory or str(resources.files(QUERY_PACKAGE) / "browser")

    class Handler(SimpleHTTPRequestHandler):
        extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".grass": "text/plain; charset=utf-8",
                          ".html": "text/html; charset=utf-8"}

        def end_headers(self):
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

        def do_OPTIONS(self):  # the CORS preflight Neo4j Browser sends before fetching a guide or style
            self.send_response(204)
            self.send_header("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
            self.send_header("Access-Control-Allow-Headers", self.headers.get("Access-Control-Request-Headers", "*"))
            self.send_header("Access-Control-Max-Age", "600")
            self.end_headers()

    server = ThreadingHTTPServer((host, port), functools.partial(Handler, directory=directory))
    print(f"serving {directory} at http://{host}:{port}/ — in Neo4j Browser: "
          f":play http://{host}:{port}/guide.html   :style http://{host}:{port}/style.grass", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def main(argv=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m policykg.graph.queries",
                                     description="The query library's Neo4j Browser guide.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("guide", help="(re)write cypher/browser/guide.html from cypher/queries/").add_argument(
        "-o", "--output", default=None)
    serve = sub.add_parser("serve", help="serve cypher/browser/ with CORS for :play and :style")
    serve.add_argument("--port", type=int, default=8001)
    serve.add_argument("--host", default="localhost")
    args = parser.parse_args(argv)
    if args.command == "guide":
        print(f"wrote {write_guide(args.output)}")
    else:
        serve_browser_files(args.port, args.host)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
