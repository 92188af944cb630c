"""A self-contained interactive HTML view of the graph (``policykg viz``): no server, no CDN.

The page inlines vis-network's standalone build (graph/assets/, Apache-2.0/MIT) and the graph as
JSON: nodes coloured by label, a search box over names and aliases, label filters, and a click
showing a node's properties and its evidence sentences (from the MENTIONS edges).

The page answers ``#select=NAME`` (select and show a node) and ``#selftest=TEXT`` (run a search and
write a JSON report into ``<pre id="selftest">``), which the tests read with headless Chromium.
"""
from __future__ import annotations

import html
import json
from importlib import resources

import networkx as nx

from policykg.graph import schema

ASSET_PACKAGE = "policykg.graph"
VIS_JS = "assets/vis-network.min.js"

# One colour per label (shared with cypher/browser/style.grass).
COLORS = {
    "Plan": "#D1495B",
    "Part": "#B8B8B8",
    "Task": "#8C8C8C",
    "Program": "#2E86AB",
    "Regulation": "#F18F01",
    "Event": "#8E44AD",
    "Hospital": "#2A9D8F",
    "Agency": "#6D597A",
    "Organization": "#A26769",
    "Region": "#76B041",
    "EventSeries": "#C39BD3",
    "Target": "#E9C46A",
    "Indicator": "#E76F51",
}
SIZES = {"Plan": 32, "Part": 8, "Task": 6, "Target": 8}
# A plan's star grows with its level: the nation's above a province's above a district's.
PLAN_SIZES = {"national": 44, "province": 38, "municipality": 32, "district": 26}
HIDDEN_BY_DEFAULT = ("Part", "Task", "Target")
_SKIP_PROPS = {"label", "encoding"}
MAX_SENTENCES = 6


def vis_js() -> str:
    text = (resources.files(ASSET_PACKAGE) / VIS_JS).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("//# sourceMappingURL")]
    return "\n".join(lines)


def _name(graph: nx.MultiDiGraph, node: str) -> str:
    data = graph.nodes[node]
    return str(data.get("name") or data.get("title") or node)


def graph_data(graph: nx.MultiDiGraph, lexical: bool = True) -> dict:
    """Nodes and edges for the page; each node carries its properties and evidence."""
    keep = {n for n, d in graph.nodes(data=True) if lexical or d["label"] not in (schema.PART, schema.TASK)}
    nodes, edges = [], []
    for node, data in graph.nodes(data=True):
        if node not in keep:
            continue
        label = data["label"]
        props = {k: v for k, v in data.items() if k not in _SKIP_PROPS and v not in (None, "", [])}
        evidence, mentions, plans = [], [], set()
        for src, _, key, e in graph.in_edges(node, keys=True, data=True):
            if key == schema.MENTIONS and graph.nodes[src]["label"] == schema.PLAN:
                plans.add(src)
                evidence.append({"plan": _name(graph, src), "count": e.get("count", 1),
                                 "surfaces": e.get("surfaces", []),
                                 "sentences": list(e.get("sentences", []))[:MAX_SENTENCES]})
        if label in (schema.PLAN, schema.TASK):
            for _, dst, key in graph.out_edges(node, keys=True):
                if key == schema.MENTIONS:
                    mentions.append(f"{_name(graph, dst)} ({graph.nodes[dst]['label']})")
        elif label == schema.INDICATOR:  # its targets, plan by plan
            for src, _, key in graph.in_edges(node, keys=True):
                if key == schema.MEASURES:
                    owner = graph.nodes[src].get("plan", "")
                    plans.add(owner)
                    mentions.append(f"{_name(graph, owner) if owner in graph else owner}: {_name(graph, src)}")
            mentions.sort()
        evidence.sort(key=lambda e: e["plan"])
        nodes.append({
            "id": node, "label": label, "name": _name(graph, node),
            "aliases": [a for a in data.get("aliases", []) if a != data.get("name")],
            "plans": len(plans), "props": props, "evidence": evidence, "mentions": mentions[:80],
            "mention_count": len(mentions),
            **({"size": PLAN_SIZES.get(data.get("level"), SIZES[label]),
                "kind": " · ".join(str(data[k]) for k in ("level", "doc_type") if data.get(k))}
               if label == schema.PLAN else {}),
        })
    for u, v, key, data in graph.edges(keys=True, data=True):
        if u in keep and v in keep:
            edge = {"from": u, "to": v, "type": key}
            if key == schema.ALIGNS_WITH:
                edge["score"] = data.get("score")
                edge["shared"] = data.get("shared", [])
            edges.append(edge)
    return {"nodes": nodes, "edges": edges, "colors": COLORS, "sizes": SIZES,
            "hidden": list(HIDDEN_BY_DEFAULT), "labels": sorted({n["label"] for n in nodes},
                                                                  key=_label_order)}


def _label_order(label: str) -> int:
    order = [schema.PLAN, *schema.ENTITY_LABELS, schema.EVENT_SERIES, schema.INDICATOR, schema.PART, schema.TASK,
             schema.TARGET]
    return order.index(label) if label in order else len(order)


def _json_for_script(data) -> str:
    text = json.dumps(data, ensure_ascii=False, default=str, separators=(",", ":"))
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def render_html(graph: nx.MultiDiGraph, title: str = "policykg graph", lexical: bool = True) -> str:
    data = graph_data(graph, lexical)
    return (_TEMPLATE.replace("__TITLE__", html.escape(title))
            .replace("__VIS_JS__", vis_js())
            .replace("__DATA__", _json_for_script(data)))


def write_html(graph: nx.MultiDiGraph, path, title: str = "policykg graph", lexical: bool = True) -> None:
    from pathlib import Path

    Path(path).write_text(render_html(graph, title, lexical), encoding="utf-8")


_TEMPLATE = r"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>__TITLE__</title>
<style>
  html, body { margin: 0; height: 100%; font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
    "Microsoft YaHei", sans-serif; font-size: 14px; color: #222; }
  #app { display: flex; height: 100%; }
  #side { width: 360px; min-width: 360px; border-right: 1px solid #ddd; display: flex; flex-direction: column;
    background: #fafafa; }
  #side header { padding: 10px 12px 6px; border-bottom: 1px solid #e4e4e4; }
  #side h1 { font-size: 16px; margin: 0 0 6px; }
  #search { width: 100%; box-sizing: border-box; padding: 6px 8px; font-size: 14px; border: 1px solid #bbb;
    border-radius: 4px; }
  #legend { display: flex; flex-wrap: wrap; gap: 4px 10px; margin-top: 8px; font-size: 12px; }
  #legend label { cursor: pointer; white-space: nowrap; }
  .dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 3px;
    vertical-align: -1px; }
  #results { max-height: 180px; overflow-y: auto; border-bottom: 1px solid #e4e4e4; }
  #results div { padding: 3px 12px; cursor: pointer; }
  #results div:hover { background: #eef; }
  #details { flex: 1; overflow-y: auto; padding: 10px 12px; }
  #details h2 { font-size: 16px; margin: 0 0 4px; }
  #details table { border-collapse: collapse; font-size: 12px; margin: 6px 0; }
  #details td { border-top: 1px solid #eee; padding: 2px 6px 2px 0; vertical-align: top; }
  #details td:first-child { color: #666; white-space: nowrap; }
  .ev { margin: 6px 0 10px; }
  .ev b { font-size: 13px; }
  .ev blockquote { margin: 3px 0 3px 8px; padding-left: 6px; border-left: 3px solid #ccc; font-size: 13px; }
  .muted { color: #777; font-size: 12px; }
  #graph { flex: 1; position: relative; }
  #status { position: absolute; right: 8px; bottom: 6px; font-size: 12px; color: #777; }
  #selftest { display: none; }
</style>
</head>
<body>
<div id="app">
  <div id="side">
    <header>
      <h1>__TITLE__</h1>
      <input id="search" type="search" placeholder="搜索名称 / search names, aliases (Enter)" autocomplete="off">
      <div id="legend"></div>
    </header>
    <div id="results"></div>
    <div id="details"><p class="muted">Click a node to see its properties and the sentences that mention it.
      Search selects the matching nodes. Tick Part / Task to add the lexical layer, Target for the targets (指标) behind each Indicator.</p></div>
  </div>
  <div id="graph"><div id="status">loading…</div></div>
</div>
<pre id="selftest"></pre>
<script>__VIS_JS__</script>
<script type="application/json" id="graph-data">__DATA__</script>
<script>
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("graph-data").textContent);
  var byId = {};
  DATA.nodes.forEach(function (n) { byId[n.id] = n; });
  var shown = {};
  DATA.labels.forEach(function (l) { shown[l] = DATA.hidden.indexOf(l) < 0; });

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  function color(label) { return DATA.colors[label] || "#999"; }

  var nodes = new vis.DataSet(DATA.nodes.map(function (n) {
    var size = n.size || DATA.sizes[n.label] || (8 + 5 * Math.min(n.plans, 5));
    return {
      id: n.id, label: n.name.length > 18 ? n.name.slice(0, 17) + "…" : n.name, group: n.label,
      title: n.label + (n.kind ? " (" + n.kind + ")" : "") + ": " + n.name, size: size, shape: n.label === "Plan" ? "star" : "dot",
      color: {background: color(n.label), border: color(n.label),
              highlight: {background: "#FFD166", border: "#222"}},
      font: {size: n.label === "Plan" ? 18 : 12, color: "#222"}
    };
  }));
  var edges = new vis.DataSet(DATA.edges.map(function (e, i) {
    var align = e.type === "ALIGNS_WITH";
    return {
      id: i, from: e.from, to: e.to, type: e.type, arrows: {to: {enabled: true, scaleFactor: 0.4}},
      title: align ? "ALIGNS_WITH score " + e.score + ": " + (e.shared || []).join("、") : e.type,
      color: {color: align ? "#D1495B" : "rgba(120,120,120,0.35)", highlight: "#222"},
      width: align ? 4 : 1, dashes: align,
      label: align ? "ALIGNS_WITH " + e.score : undefined, font: {size: 11, color: "#D1495B"}
    };
  }));
  var nodeView = new vis.DataView(nodes, {filter: function (n) { return shown[byId[n.id].label]; }});
  var edgeView = new vis.DataView(edges, {filter: function (e) {
    return shown[byId[e.from].label] && shown[byId[e.to].label];
  }});

  var container = document.getElementById("graph");
  var status = document.getElementById("status");
  var network = new vis.Network(container, {nodes: nodeView, edges: edgeView}, {
    layout: {improvedLayout: false, randomSeed: 7},
    physics: {solver: "forceAtlas2Based",
              forceAtlas2Based: {gravitationalConstant: -40, springLength: 70, avoidOverlap: 0.2},
              stabilization: {iterations: 300, updateInterval: 50}},
    interaction: {hover: true, tooltipDelay: 150, hideEdgesOnDrag: true},
    nodes: {borderWidth: 1}, edges: {smooth: false}
  });
  var stable = false;
  network.on("stabilizationProgress", function (p) {
    status.textContent = "layout " + Math.round(100 * p.iterations / p.total) + "%";
  });
  network.once("stabilizationIterationsDone", function () {
    stable = true;
    network.setOptions({physics: {enabled: false}});
    network.fit();
    status.textContent = nodeView.length + " nodes, " + edgeView.length + " relationships shown";
    document.body.setAttribute("data-ready", "1");
    runHash();
  });

  // legend with label filters
  var legend = document.getElementById("legend");
  DATA.labels.forEach(function (l) {
    var count = DATA.nodes.filter(function (n) { return n.label === l; }).length;
    var lab = document.createElement("label");
    lab.innerHTML = '<input type="checkbox"' + (shown[l] ? " checked" : "") + '> <span class="dot" style="background:'
      + color(l) + '"></span>' + esc(l) + " " + count;
    lab.querySelector("input").addEventListener("change", function (ev) {
      shown[l] = ev.target.checked;
      nodeView.refresh(); edgeView.refresh();
      status.textContent = nodeView.length + " nodes, " + edgeView.length + " relationships shown";
    });
    legend.appendChild(lab);
  });

  // details panel
  function row(k, v) {
    if (Array.isArray(v)) v = v.join("、");
    return "<tr><td>" + esc(k) + "</td><td>" + esc(v) + "</td></tr>";
  }
  function showDetails(id) {
    var n = byId[id], out = [];
    if (!n) return;
    out.push('<h2><span class="dot" style="background:' + color(n.label) + '"></span>' + esc(n.name) + "</h2>");
    out.push('<div class="muted">' + esc(n.label) + " · " + esc(n.id) + "</div><table>");
    Object.keys(n.props).sort().forEach(function (k) { if (k !== "name") out.push(row(k, n.props[k])); });
    out.push("</table>");
    if (n.evidence.length) {
      out.push("<h3>Evidence (" + n.evidence.length + " plan" + (n.evidence.length > 1 ? "s" : "") + ")</h3>");
      n.evidence.forEach(function (e) {
        out.push('<div class="ev"><b>' + esc(e.plan) + "</b> <span class=\"muted\">×" + esc(e.count)
          + (e.surfaces.length ? " as " + esc(e.surfaces.join("、")) : "") + "</span>");
        e.sentences.forEach(function (s) { out.push("<blockquote>" + esc(s) + "</blockquote>"); });
        out.push("</div>");
      });
    }
    if (n.mentions.length) {
      out.push("<h3>Mentions (" + n.mention_count + ")</h3><p>" + esc(n.mentions.join("、")) + "</p>");
    }
    var rel = network.getConnectedNodes ? DATA.edges.filter(function (e) {
      return (e.from === id || e.to === id) && e.type === "ALIGNS_WITH";
    }) : [];
    rel.forEach(function (e) {
      out.push("<p><b>ALIGNS_WITH</b> " + esc((byId[e.to] || {}).name) + " (score " + esc(e.score) + "): "
        + esc((e.shared || []).join("、")) + "</p>");
    });
    document.getElementById("details").innerHTML = out.join("");
  }
  function ensureShown(id) {
    var l = byId[id].label;
    if (!shown[l]) {
      shown[l] = true;
      legend.querySelectorAll("label").forEach(function (lab) {
        if (lab.textContent.trim().indexOf(l + " ") === 0) lab.querySelector("input").checked = true;
      });
      nodeView.refresh(); edgeView.refresh();
    }
  }
  function select(id) {
    if (!byId[id]) return false;
    ensureShown(id);
    network.selectNodes([id]);
    network.focus(id, {scale: 0.75, animation: false});
    showDetails(id);
    return true;
  }
  network.on("click", function (p) { if (p.nodes.length) showDetails(p.nodes[0]); });

  // search over names and aliases
  function search(text) {
    var q = text.trim().toLowerCase();
    if (!q) return [];
    var hits = DATA.nodes.filter(function (n) {
      if (n.name.toLowerCase().indexOf(q) >= 0) return true;
      return n.aliases.some(function (a) { return a.toLowerCase().indexOf(q) >= 0; });
    });
    function exact(n) { return n.name.toLowerCase() === q || n.aliases.some(function (a) { return a.toLowerCase() === q; }); }
    hits.sort(function (a, b) {
      return exact(b) - exact(a) || b.plans - a.plans || a.name.length - b.name.length;
    });
    return hits;
  }
  var results = document.getElementById("results");
  function showResults(text) {
    var hits = search(text);
    results.innerHTML = "";
    hits.slice(0, 50).forEach(function (n) {
      var div = document.createElement("div");
      div.className = "hit";
      div.innerHTML = '<span class="dot" style="background:' + color(n.label) + '"></span>' + esc(n.name)
        + ' <span class="muted">' + esc(n.label) + (n.plans ? " · " + n.plans + " plans" : "") + "</span>";
      div.addEventListener("click", function () { select(n.id); });
      results.appendChild(div);
    });
    if (text.trim() && !hits.length) results.innerHTML = '<div class="muted">no match</div>';
    var visible = hits.filter(function (n) { return shown[n.label]; }).map(function (n) { return n.id; });
    network.selectNodes(visible);
    return hits;
  }
  var box = document.getElementById("search");
  box.addEventListener("input", function () { showResults(box.value); });
  box.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { var hits = showResults(box.value); if (hits.length) select(hits[0].id); }
  });

  // #select=NAME, #search=TEXT, #selftest=TEXT
  function findByName(name) {
    var exact = DATA.nodes.filter(function (n) { return n.name === name || n.id === name; });
    return exact.length ? exact[0] : search(name)[0];
  }
  function canvasInk() {
    var canvas = container.querySelector("canvas");
    if (!canvas) return {pixels: 0, colors: []};
    var ctx = canvas.getContext("2d"), img = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    var ink = 0, seen = {};
    for (var i = 0; i < img.length; i += 4) {
      if (img[i + 3] > 0 && !(img[i] > 245 && img[i + 1] > 245 && img[i + 2] > 245)) {
        ink++;
        seen["#" + [img[i], img[i + 1], img[i + 2]].map(function (c) {
          return ("0" + c.toString(16)).slice(-2);
        }).join("").toUpperCase()] = 1;
      }
    }
    var labelsDrawn = DATA.labels.filter(function (l) { return seen[color(l).toUpperCase()]; });
    return {pixels: ink, width: canvas.width, height: canvas.height, labelColors: labelsDrawn};
  }
  function runHash() {
    var h = decodeURIComponent(location.hash.slice(1)), eq = h.indexOf("=");
    if (eq < 0) return;
    var key = h.slice(0, eq), val = h.slice(eq + 1);
    if (key === "select") { var n = findByName(val); if (n) select(n.id); }
    if (key === "search") { box.value = val; var hits = showResults(val); if (hits.length) select(hits[0].id); }
    if (key === "selftest") {
      network.redraw();
      var before = canvasInk();
      var positions = network.getPositions();
      box.value = val;
      var hits = showResults(val);
      var picked = hits.length ? hits[0] : null;
      if (picked) select(picked.id);
      network.redraw();
      var report = {
        nodes: DATA.nodes.length, edges: DATA.edges.length, shownNodes: nodeView.length,
        positioned: Object.keys(positions).filter(function (k) {
          return isFinite(positions[k].x) && isFinite(positions[k].y);
        }).length,
        ink: before, hits: hits.map(function (n) { return n.name; }),
        resultRows: results.querySelectorAll(".hit").length,
        selected: network.getSelectedNodes(), details: document.getElementById("details").textContent,
        labels: DATA.labels, vis: typeof vis !== "undefined" && vis.Network ? "vis-network" : ""
      };
      document.getElementById("selftest").textContent = JSON.stringify(report);
      document.body.setAttribute("data-selftest", "done");
    }
  }
  window.policykgViz = {network: network, nodes: nodes, search: search, select: select, data: DATA};
})();
</script>
</body>
</html>
"""
