"""Any plan file → the same normalised ``Document``: plain text, web pages, Word and PDF.

``read_document(path)`` picks a reader by the file's suffix:

* ``.txt`` / ``.text`` / ``.md`` (and unknown suffixes): the bytes are decoded (``decode``:
  BOMs, UTF-8, UTF-16, GB18030 …) and the decoded text is ``Document.original``.
* ``.html`` / ``.htm``: the page's main text by trafilatura (headings and list items kept as
  lines, navigation, footers and other boilerplate dropped); when trafilatura finds no main
  text, the text of every block element by lxml, without script/style/nav/header/footer.
* ``.docx``: python-docx, body paragraphs and tables in document order (one line per
  paragraph, one line per table cell), with the labels of Word's automatic numbering
  (一、 1. （1）) put back in front of numbered paragraphs.
* ``.pdf``: pypdf's text layer, page by page. A PDF without one is refused ("no text layer
  (scanned?)"): OCR is not attempted.

For web pages, Word and PDF the *extracted* text is ``Document.original``, so mention offsets
point into that text; ``Document.notes`` names the reader. Everything then goes through the
one ``normalise`` that plain-text files go through.

Every way a file can fail to be read raises ``UnreadableFile`` (a ``ValueError``) with a short
message and a ``kind`` (``empty``, ``too large``, ``binary``, ``undecodable``, ``corrupt``,
``no text``), so a batch can report it in one line and go on.
"""
from __future__ import annotations

import logging
import re
import zipfile
from pathlib import Path

from policykg.extract.document import Document
from policykg.extract.normalise import decode, normalise

__all__ = ["read_document", "UnreadableFile", "TEXT_SUFFIXES", "SUFFIXES", "DEFAULT_MAX_SIZE"]

DEFAULT_MAX_SIZE = 20_000_000  # bytes (20 MB)
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".shtml", ".xhtml"})
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {".docx", ".pdf"}


class UnreadableFile(ValueError):
    """A file that cannot be read as a plan; ``kind`` groups problems in a summary."""

    def __init__(self, message: str, kind: str = "unreadable"):
        super().__init__(message)
        self.kind = kind


def read_document(path: str | Path, max_size: int | None = DEFAULT_MAX_SIZE) -> Document:
    """Read one plan file of any supported kind (see the module docstring)."""
    path = Path(path)
    size = path.stat().st_size  # FileNotFoundError / IsADirectoryError pass through
    if path.is_dir():
        raise IsADirectoryError(f"is a folder: {path}")
    if size == 0:
        raise UnreadableFile("empty file", "empty")
    if max_size is not None and size > max_size:
        raise UnreadableFile(f"too large ({_mb(size)} > limit {_mb(max_size)})", "too large")
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        original, note = _read_html(path.read_bytes())
        return _finish(original, path, "utf-8", [note])
    if suffix == ".docx":
        return _finish(_read_docx(path), path, "utf-8", ["read from .docx with python-docx"])
    if suffix == ".pdf":
        return _finish(_read_pdf(path), path, "utf-8", ["read from the PDF text layer with pypdf"])
    original, encoding = _decode(path.read_bytes(), known=suffix in TEXT_SUFFIXES or not suffix, suffix=suffix)
    notes = [] if encoding in ("utf-8", "utf-8-sig") else [f"decoded as {encoding}"]
    return _finish(original, path, encoding, notes)


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n} bytes"


def _finish(original: str, path: Path, encoding: str, notes: list[str]) -> Document:
    if not original.strip():
        raise UnreadableFile("no text", "no text")
    doc = normalise(original, str(path), encoding)
    doc.notes.extend(notes)
    if not doc.text.strip():
        raise UnreadableFile("no text left after dropping page chrome and whitespace", "no text")
    return doc


def _decode(data: bytes, known: bool = True, suffix: str = "") -> tuple[str, str]:
    try:
        return decode(data)
    except ValueError as exc:
        message = str(exc)
        kind = "binary" if "binary" in message else "undecodable"
        if not known:
            message = f"unsupported file type {suffix} ({message})"
        raise UnreadableFile(message, kind) from None


# --------------------------------------------------------------------------- HTML

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_GB = {"gb2312", "gbk", "gb18030", "cp936", "x-gbk"}


def _decode_html(data: bytes) -> str:
    """The charset a page declares, if it decodes cleanly; else the plain-text decoder."""
    m = _META_CHARSET.search(data[:4096])
    if m and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        declared = m.group(1).decode("ascii").lower()
        encoding = "gb18030" if declared in _GB else declared
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            pass
    return _decode(data)[0]


def _read_html(data: bytes) -> tuple[str, str]:
    html = _decode_html(data)
    if not re.search(r"<[A-Za-z!]", html):
        raise UnreadableFile("not an HTML page (no tags)", "corrupt")
    text = None
    try:
        import trafilatura

        text = trafilatura.extract(html, output_format="txt", include_tables=True, include_comments=False,
                                   include_links=False, include_images=False, deduplicate=False)
    except Exception:  # noqa: BLE001  a page trafilatura chokes on still gets the fallback
        text = None
    if text and text.strip():
        return text, "read from HTML with trafilatura (main text)"
    return _html_fallback(html), "read from HTML with lxml (trafilatura found no main text)"


_SKIP_TAGS = {"script", "style", "noscript", "template", "nav", "header", "footer", "aside", "head", "title",
              "iframe", "svg", "form", "button", "select"}
# Page chrome marked by class or id rather than by tag (<div class="nav">, <ul id="menu"> …).
_CHROME_ATTR = re.compile(r"(?:^|[\s_-])(?:nav|navbar|menu|footer|foot|breadcrumbs?|crumbs?|sidebar|share|copyright"
                          r"|toolbar|banner|topbar|bottom|links)(?:$|[\s_-])", re.IGNORECASE)
_BLOCK_TAGS = {"p", "div", "li", "tr", "br", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
               "table", "ul", "ol", "dd", "dt", "blockquote", "pre", "td", "th", "body", "main"}


def _html_fallback(html: str) -> str:
    import lxml.etree
    import lxml.html

    try:
        root = lxml.html.document_fromstring(html.encode("utf-8"),
                                             parser=lxml.html.HTMLParser(encoding="utf-8", recover=True))
    except (lxml.etree.ParserError, ValueError, TypeError):
        raise UnreadableFile("not a readable HTML page", "corrupt") from None
    chunks: list[str] = []

    def walk(el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        chrome = tag and _CHROME_ATTR.search(f"{el.get('class') or ''} {el.get('id') or ''}")
        if tag.lower() in _SKIP_TAGS or not isinstance(el.tag, str) or chrome:
            if el.tail:
                chunks.append(el.tail)
            return
        block = tag.lower() in _BLOCK_TAGS
        if block:
            chunks.append("\n")
        if el.text:
            chunks.append(el.text)
        for child in el:
            walk(child)
        if block:
            chunks.append("\n")
        if el.tail:
            chunks.append(el.tail)

    walk(root)
    return "".join(chunks)


# --------------------------------------------------------------------------- Word

def _read_docx(path: Path) -> str:
    if not zipfile.is_zipfile(path):
        raise UnreadableFile("not a readable .docx (truncated or corrupt: not a zip archive)", "corrupt")
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
        from docx.oxml.ns import qn
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        try:
            document = docx.Document(str(path))
        except PackageNotFoundError:
            raise UnreadableFile("not a readable .docx (a zip archive, but not a Word document)", "corrupt") from None
        lines: list[str] = []
        numbering = _ListNumbering(document)
        for child in document.element.body.iterchildren():
            if child.tag == qn("w:p"):
                lines.append(numbering.label(child) + Paragraph(child, document).text)
            elif child.tag == qn("w:tbl"):
                lines.extend(_table_lines(Table(child, document)))
    except UnreadableFile:
        raise
    except Exception as exc:  # noqa: BLE001  zipfile, python-docx and lxml raise many kinds
        raise UnreadableFile(f"not a readable .docx (truncated or corrupt: {_why(exc)})", "corrupt") from None
    return "\n".join(lines)


def _chinese(n: int) -> str:
    import jionlp

    return jionlp.money_num2char(n, sim_or_tra="sim")


class _ListNumbering:
    """The labels Word draws in front of numbered paragraphs (一、 1. （1）), which python-docx's
    ``Paragraph.text`` leaves out: without them a plan loses its parts and tasks.

    Reads ``numbering.xml``: each ``w:num`` points at an abstract list whose levels give a start,
    a format (decimal, Chinese counting …) and a text such as ``%1、`` or ``（%2）``. Counters run
    per abstract list; a level's count restarts when a higher level moves on. Bullets and
    numbering that comes only from a paragraph style get no label.
    """

    _FORMATS = {
        "decimal": str, "decimalZero": lambda n: f"{n:02d}",
        "chineseCounting": _chinese, "chineseCountingThousand": _chinese,
        "ideographTraditional": lambda n: "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10],
        "upperLetter": lambda n: chr(64 + (n - 1) % 26 + 1), "lowerLetter": lambda n: chr(96 + (n - 1) % 26 + 1),
        "decimalEnclosedCircle": lambda n: chr(0x245F + n) if 1 <= n <= 20 else str(n),
    }

    def __init__(self, document):
        from docx.oxml.ns import qn

        self._qn = qn
        self.levels: dict[str, dict[int, tuple[int, str, str]]] = {}  # abstract id → level → (start, format, text)
        self.abstract_of: dict[str, str] = {}  # num id → abstract id
        self.counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):  # a document without lists
            return
        for abstract in root.findall(qn("w:abstractNum")):
            levels = {}
            for lvl in abstract.findall(qn("w:lvl")):
                levels[int(lvl.get(qn("w:ilvl"), "0"))] = (
                    int(self._val(lvl, "w:start") or 1), self._val(lvl, "w:numFmt") or "decimal",
                    self._val(lvl, "w:lvlText") or "")
            self.levels[abstract.get(qn("w:abstractNumId"))] = levels
        for num in root.findall(qn("w:num")):
            self.abstract_of[num.get(qn("w:numId"))] = self._val(num, "w:abstractNumId")

    def _val(self, el, tag: str) -> str | None:
        child = el.find(self._qn(tag))
        return None if child is None else child.get(self._qn("w:val"))

    def label(self, paragraph) -> str:
        qn = self._qn
        num_pr = paragraph.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        if num_pr is None or not self.levels:
            return ""
        abstract = self.abstract_of.get(self._val(num_pr, "w:numId") or "")
        levels = self.levels.get(abstract or "")
        ilvl = int(self._val(num_pr, "w:ilvl") or 0)
        if not levels or ilvl not in levels:
            return ""
        counts = self.counters.setdefault(abstract, {})
        counts[ilvl] = counts.get(ilvl, levels[ilvl][0] - 1) + 1
        for deeper in [k for k in counts if k > ilvl]:
            del counts[deeper]
        _, fmt, text = levels[ilvl]
        if fmt not in self._FORMATS:  # bullet, none, or a format a plan does not use
            return ""

        def number(match: re.Match) -> str:
            k = int(match.group(1)) - 1
            start, level_fmt, _ = levels.get(k, (1, "decimal", ""))
            return self._FORMATS.get(level_fmt, str)(counts.get(k, start))

        return re.sub(r"%([1-9])", number, text)


def _table_lines(table) -> list[str]:
    """Each cell's paragraphs (and nested tables), row by row, a merged cell once.

    The row's own ``w:tc`` elements are read rather than ``row.cells``, which repeats a
    merged cell once per grid column it spans (and telling repeats apart by ``id`` of lxml
    proxies is unreliable: a freed proxy's id is reused).
    """
    from docx.table import _Cell

    lines = []
    for row in table.rows:
        for tc in row._tr.tc_lst:
            cell = _Cell(tc, table)
            lines.extend(p.text for p in cell.paragraphs)
            for inner in cell.tables:
                lines.extend(_table_lines(inner))
    return lines


# --------------------------------------------------------------------------- PDF

def _read_pdf(path: Path) -> str:
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # it warns about every repaired xref
    try:
        import pypdf

        reader = pypdf.PdfReader(str(path), strict=False)
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise UnreadableFile("encrypted PDF (needs a password)", "corrupt")
            except UnreadableFile:
                raise
            except Exception:  # noqa: BLE001  e.g. the crypto backend is missing
                raise UnreadableFile("encrypted PDF (cannot decrypt)", "corrupt") from None
        pages = []
        for page in reader.pages:
            try:
                pages.append(page.extract_text() or "")
            except Exception:  # noqa: BLE001  one broken page stream does not lose the others
                pages.append("")
    except UnreadableFile:
        raise
    except Exception as exc:  # noqa: BLE001  pypdf raises PdfReadError, KeyError, ValueError …
        raise UnreadableFile(f"not a readable PDF (truncated or corrupt: {_why(exc)})", "corrupt") from None
    text = "\n".join(pages)
    if not re.search(r"\w", text):
        raise UnreadableFile("no text layer (scanned?)", "no text layer")
    return text


def _why(exc: BaseException) -> str:
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    message = message[:120]
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__
