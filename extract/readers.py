"""Any plan file → the same normalised ``Document``: plain text, web pages, Word and PDF.

``read_document(path)`` picks a reader by the file's suffix:

* ``.txt`` / ``.text`` / ``.md`` (and unknown suffixes): the bytes are decoded (``decode``:
  BOMs, UTF-8, UTF-16 with or without BOM, GB18030 …) and the decoded text is
  ``Document.original``. A few undecodable bytes become U+FFFD and a warning
  (``Document.warnings``); the plan is still read.
* ``.html`` / ``.htm``: the page's main text by trafilatura (headings and list items kept as
  lines, navigation, footers and other boilerplate dropped); when trafilatura finds no main
  text, the text of every block element by lxml, without script/style/nav/header/footer.
* ``.docx``: python-docx, body paragraphs and tables in document order (one line per
  paragraph, one line per table cell), with the labels of Word's automatic numbering
  (一、 1. （1）) put back in front of numbered paragraphs. The archive is checked first: a
  zip bomb (too much unpacked in all, or a part packed far tighter than Word packs XML) is
  refused before anything is unpacked.
* ``.pdf``: pypdf's text layer, page by page. A PDF without one is refused ("no text layer
  (scanned?)"): OCR is not attempted.

For web pages, Word and PDF the *extracted* text is ``Document.original``, so mention offsets
point into that text; ``Document.notes`` names the reader. Everything then goes through the
one ``normalise`` that plain-text files go through.

Only regular files are opened (a named pipe would block, a device never ends). Text from
.docx and .pdf is held to the size limit of a text file.

Every way a file can fail to be read raises ``UnreadableFile`` (a ``ValueError``) with a short
message and a ``kind`` (``empty``, ``too large``, ``binary``, ``undecodable``, ``corrupt``,
``no text``, ``not a file``), so a batch can report it in one line and go on.
"""
from __future__ import annotations

import io
import logging
import os
import re
import stat
import zipfile
from pathlib import Path

from policykg.extract.document import Document
from policykg.extract.normalise import Decoded, decode, normalise, replaced_warning

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
    data = _read_bytes(path, max_size)
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        original, replaced, note = _read_html(data)
        return _finish(original, path, "utf-8", [note], replaced)
    if suffix == ".docx":
        text = _capped(_read_docx(data, _unpacked_limit(max_size)), max_size)
        return _finish(text, path, "utf-8", ["read from .docx with python-docx"])
    if suffix == ".pdf":
        text = _capped(_read_pdf(data), max_size)
        return _finish(text, path, "utf-8", ["read from the PDF text layer with pypdf"])
    original, encoding, replaced = _decode(data, known=suffix in TEXT_SUFFIXES or not suffix, suffix=suffix)
    notes = [] if encoding in ("utf-8", "utf-8-sig") else [f"decoded as {encoding}"]
    return _finish(original, path, encoding, notes, replaced)


_NOT_REGULAR = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                (stat.S_ISBLK, "a block device"))


def _check_regular(mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise IsADirectoryError("is a folder")
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _NOT_REGULAR if test(mode)), "a special file")
        raise UnreadableFile(f"not a regular file ({kind})", "not a file")


def _read_bytes(path: Path, max_size: int | None) -> bytes:
    """The file's bytes. Anything but a regular file is refused before it is opened: a named
    pipe would block the batch, a device never ends. (FileNotFoundError, PermissionError and
    the OSError of a symbolic-link loop pass through.)"""
    _check_regular(os.stat(path).st_mode)
    # O_NONBLOCK: should a pipe replace the file after the check, opening it does not wait for a writer.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fd)
        _check_regular(info.st_mode)
        size = info.st_size
        if size == 0:
            raise UnreadableFile("empty file", "empty")
        if max_size is not None and size > max_size:
            raise UnreadableFile(f"too large ({_mb(size)} > limit {_mb(max_size)})", "too large")
        data = fh.read() if max_size is None else fh.read(max_size + 1)  # a file that grows is still capped
    if max_size is not None and len(data) > max_size:
        raise UnreadableFile(f"too large (over the limit of {_mb(max_size)})", "too large")
    if not data:
        raise UnreadableFile("empty file", "empty")
    return data


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n} bytes"


# A Word file is a zip archive: a few MB can unpack to gigabytes (a zip bomb). Its parts may
# unpack to this many times the size limit in all, and no large part may be packed tighter
# than this ratio: Word's XML packs 5-20 to 1, a run of zeros 1,000 to 1.
UNPACKED_PER_MAX_SIZE = 5
MAX_PACKING_RATIO = 100
_RATIO_CHECKED_FROM = 1_000_000  # bytes unpacked: small parts may pack tightly


def _unpacked_limit(max_size: int | None) -> int:
    return UNPACKED_PER_MAX_SIZE * (max_size or DEFAULT_MAX_SIZE)


def _capped(text: str, max_size: int | None) -> str:
    """Text extracted from a packed format is held to the limit a text file is held to."""
    limit = max_size or DEFAULT_MAX_SIZE
    if len(text) > limit:
        raise UnreadableFile(f"too large when unpacked ({len(text):,} characters of text > limit {limit:,})",
                             "too large")
    return text


def _finish(original: str, path: Path, encoding: str, notes: list[str], replaced: int = 0) -> Document:
    if not original.strip():
        raise UnreadableFile("no text", "no text")
    doc = normalise(original, str(path), encoding)
    doc.notes.extend(notes)
    if replaced:
        doc.warnings.append(replaced_warning(replaced))
    if not doc.text.strip():
        raise UnreadableFile("no text left after dropping page chrome and whitespace", "no text")
    return doc


def _decode(data: bytes, known: bool = True, suffix: str = "") -> Decoded:
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


def _decode_html(data: bytes) -> tuple[str, int]:
    """The charset a page declares, if it decodes cleanly; else the plain-text decoder
    (with the number of bytes it replaced)."""
    m = _META_CHARSET.search(data[:4096])
    if m and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        declared = m.group(1).decode("ascii").lower()
        encoding = "gb18030" if declared in _GB else declared
        try:
            return data.decode(encoding), 0
        except (LookupError, UnicodeDecodeError):
            pass
    decoded = _decode(data)
    return decoded.text, decoded.replaced


def _read_html(data: bytes) -> tuple[str, int, str]:
    html, replaced = _decode_html(data)
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
        return text, replaced, "read from HTML with trafilatura (main text)"
    return _html_fallback(html), replaced, "read from HTML with lxml (trafilatura found no main text)"


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

def _check_unpacked(archive: zipfile.ZipFile, limit: int) -> None:
    """Refuse a zip bomb by the sizes its directory declares, before anything is unpacked.

    ``zipfile`` never unpacks a member past its declared size (a member that lies about it
    fails its CRC check: "corrupt"), so these figures bound what python-docx can unpack."""
    members = archive.infolist()
    total = sum(m.file_size for m in members)
    if total > limit:
        raise UnreadableFile(f"too large when unpacked ({_mb(total)} > limit {_mb(limit)})", "too large")
    for m in members:
        if m.file_size >= _RATIO_CHECKED_FROM and m.file_size > MAX_PACKING_RATIO * max(m.compress_size, 1):
            ratio = m.file_size // max(m.compress_size, 1)
            raise UnreadableFile(f"too large when unpacked ({m.filename}: {_mb(m.file_size)} packed {ratio:,} to 1, "
                                 f"over {MAX_PACKING_RATIO} to 1: a zip bomb?)", "too large")


def _read_docx(data: bytes, unpacked_limit: int) -> str:
    stream = io.BytesIO(data)
    if not zipfile.is_zipfile(stream):
        raise UnreadableFile("not a readable .docx (truncated or corrupt: not a zip archive)", "corrupt")
    try:
        with zipfile.ZipFile(stream) as archive:
            _check_unpacked(archive, unpacked_limit)
    except UnreadableFile:
        raise
    except Exception as exc:  # noqa: BLE001  a damaged central directory
        raise UnreadableFile(f"not a readable .docx (truncated or corrupt: {_why(exc)})", "corrupt") from None
    stream.seek(0)
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
        from docx.oxml.ns import qn
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        try:
            document = docx.Document(stream)
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

def _read_pdf(data: bytes) -> str:
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # it warns about every repaired xref
    try:
        import pypdf

        # (pypdf bounds what one stream may inflate to: its own guard against PDF bombs.)
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
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
