"""Make docs/viz.png, docs/browser-graph.png and docs/browser-guide.png from the seeds.

Needs Debian's chromium (/usr/bin/chromium) and, for the Neo4j Browser pictures, Playwright
(`pip install playwright`; it drives the system chromium, no browser download). Starts its own
Neo4j dev server (policykg/devserver.py) with the default Browser settings and loads the seeds.

    python docs/screenshots.py [SEEDS_DIR]
"""
from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from policykg.build import build
from policykg.devserver import DevServer, default_cache_dir, fetch_jars
from policykg.graph import neo4j_load, queries, viz
from policykg.graph.neo4j_load import Connection

DOCS = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
SIZE = (1500, 950)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def viz_png(graph, tmp: Path) -> None:
    page = tmp / "graph.html"
    viz.write_html(graph, page, title="policykg · seeds")
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    f"--user-data-dir={tmp / 'profile'}", f"--window-size={SIZE[0]},{SIZE[1]}",
                    "--virtual-time-budget=60000", f"--screenshot={DOCS / 'viz.png'}",
                    page.as_uri() + "#select=家庭医生签约服务"], check=True, capture_output=True, timeout=300)


def browser_pngs(graph, tmp: Path) -> None:
    from playwright.sync_api import sync_playwright

    port = free_port()
    threading.Thread(target=queries.serve_browser_files, args=(port, "localhost"), daemon=True).start()
    server = DevServer(tmp / "neo4j", lib_dir=fetch_jars(default_cache_dir()))
    server.start()
    try:
        neo4j_load.load_graph(graph, Connection(server.uri, server.user, server.password, "neo4j"))
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": SIZE[0], "height": SIZE[1]})
            page.goto(f"{server.browser_url}?connectURL=neo4j://neo4j@127.0.0.1:{server.bolt_port}")
            page.locator("input[type=password]").fill(server.password)
            page.keyboard.press("Enter")
            page.wait_for_timeout(4000)

            def run(command: str, wait: int = 4000) -> None:
                page.locator(".monaco-editor").first.click()
                page.keyboard.press("Control+A")
                page.keyboard.press("Delete")
                page.keyboard.insert_text(command)
                page.keyboard.press("Control+Enter")
                page.wait_for_timeout(wait)

            run(f":style http://localhost:{port}/style.grass")
            run(":clear", 1000)
            run(f":play http://localhost:{port}/guide.html", 5000)
            nxt = page.locator("[data-testid=nextSlide], button:has-text('Next'), .next-slide")
            for _ in range(2):
                if nxt.count():
                    nxt.first.click()
                    page.wait_for_timeout(800)
            page.screenshot(path=str(DOCS / "browser-guide.png"))
            run(":clear", 1000)
            run("MATCH (p:Plan)-[m:MENTIONS]->(x) WHERE (x:Program OR x:Regulation OR x:Event) "
                "AND COUNT { (x)<-[:MENTIONS]-(:Plan) } >= 2 "
                "OPTIONAL MATCH (p)-[a:ALIGNS_WITH]->(q:Plan) RETURN p, m, x, a, q", 8000)
            full = page.locator("[title='Fullscreen']")
            if full.count():
                full.first.click()
                page.wait_for_timeout(2000)
                # the frame keeps its old zoom: press the graph view's "zoom to fit" (lowest of its buttons)
                buttons = page.evaluate("""() => [...document.querySelectorAll('button')].map(b => {
                    const r = b.getBoundingClientRect();
                    return {x: r.x + r.width / 2, y: r.y + r.height / 2, w: r.width, title: b.title || b.getAttribute('aria-label') || ''};
                }).filter(b => b.w > 0 && b.x > 1100 && b.y > 700)""")
                print("buttons:", buttons)
                if buttons:
                    low = max(buttons, key=lambda b: b["y"])
                    page.mouse.click(low["x"], low["y"])
                    page.wait_for_timeout(2500)
            page.screenshot(path=str(DOCS / "browser-graph.png"))
            browser.close()
    finally:
        server.stop()


def main() -> None:
    seeds = Path(sys.argv[1]) if len(sys.argv) > 1 else DOCS.parent.parent / "shared" / "seeds"
    graph = build([seeds]).graph
    with tempfile.TemporaryDirectory(prefix="policykg-shots-") as tmp:
        viz_png(graph, Path(tmp))
        print("wrote docs/viz.png")
        try:
            import playwright  # noqa: F401
        except ImportError:
            print("playwright is not installed: no Neo4j Browser screenshots")
            return
        browser_pngs(graph, Path(tmp))
        print("wrote docs/browser-guide.png, docs/browser-graph.png")


if __name__ == "__main__":
    main()
