"""What extraction made of each input file, kept between builds (``policykg build --cache DIR``).

An entry is one pickled ``ExtractedPlan`` with its mentions' per-plan names (``resolver.name_plan``),
named by a hash of the file's bytes (and its suffix, which picks the reader), in a folder named
by ``extractor_version()``: a hash of the extract and resolve stages' code and data files, of
``build.extract_file``'s module, and of the versions of the libraries that read and normalise
text. Any change to a rule, a data file or the code lands in a new folder (the old ones are
removed), so a cached plan is always what extraction would make of the file now; what the
corpus decides (resolution across plans, linking) always runs.

Entries are written to a temporary file and renamed into place, so a reader sees a whole entry
or none. An entry that cannot be read back (a truncated or foreign file) counts as a miss: the
file is extracted again and the entry rewritten.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import re
import shutil
import stat
import sys
from functools import cache
from importlib import metadata
from pathlib import Path

from policykg.extract.document import ExtractedPlan
from policykg.graph.writers import atomic_write

FORMAT = "2"  # bump when the entry layout changes
# Libraries whose behaviour is part of what extraction makes of a file.
_LIBRARIES = ("spacy", "opencc", "jionlp", "charset-normalizer", "trafilatura", "lxml", "python-docx", "pypdf",
              "numpy", "pyyaml")
_VERSION_DIR = re.compile(r"[0-9a-f]{16}")


@cache
def extractor_version() -> str:
    """A hash of everything a cache entry depends on but the input (extraction and the per-plan
    names): computed once per process."""
    import policykg.build
    import policykg.extract
    import policykg.resolve

    return version_of(Path(policykg.extract.__file__).parent, Path(policykg.build.__file__),
                      Path(policykg.resolve.__file__).parent)


def version_of(*paths: Path) -> str:
    """The hash of the files (code and data) of these folders and modules, and of the libraries."""
    digest = hashlib.sha256(f"{FORMAT}\0{sys.version_info[:2]}\0".encode())
    for name in _LIBRARIES:
        try:
            digest.update(f"{name}={metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=-\0".encode())
    for top in paths:
        files = sorted(p for p in top.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                       and p.suffix != ".pyc") if top.is_dir() else [top]
        for path in files:
            digest.update(path.relative_to(top.parent).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


class ExtractionCache:
    """Entries under ``root/<extractor version>/``; picklable (a worker process writes its own)."""

    def __init__(self, root: str | Path, require_plan: bool = True):
        self.root = Path(root)
        self.folder = self.root / extractor_version()
        self.require_plan = require_plan

    def prepare(self) -> None:
        """Create the folder and remove those of other extractor versions (stale: never read again)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for other in self.root.iterdir():
            if other != self.folder and other.is_dir() and _VERSION_DIR.fullmatch(other.name):
                shutil.rmtree(other, ignore_errors=True)

    def key(self, path: Path, max_size: int | None) -> str | None:
        """The entry name for the file now, None for what is not read here (not a regular file,
        too large: extraction reports it)."""
        try:
            info = os.stat(path)
            if not stat.S_ISREG(info.st_mode) or (max_size is not None and info.st_size > max_size):
                return None
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError:
            return None
        digest = hashlib.sha256(f"{path.suffix.lower()}\0{int(self.require_plan)}\0".encode())
        digest.update(data)
        return digest.hexdigest()

    def _entry(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.pickle"

    def get(self, key: str, path: Path) -> ExtractedPlan | None:
        """The cached plan of ``path`` (whose bytes hash to ``key``), or None."""
        try:
            with open(self._entry(key), "rb") as fh:
                plan = pickle.load(fh)
        except FileNotFoundError:
            return None
        except Exception:  # noqa: BLE001  a damaged entry is a miss; it is rewritten after extraction
            return None
        if not isinstance(plan, ExtractedPlan):
            return None
        _relocate(plan, path)
        return plan

    def put(self, key: str, plan: ExtractedPlan) -> None:
        """Write the entry atomically; a full disk or a read-only folder only costs the entry."""
        try:
            atomic_write(self._entry(key), lambda fh: pickle.dump(plan, fh, protocol=pickle.HIGHEST_PROTOCOL),
                         binary=True)
        except OSError:
            pass


def _relocate(plan: ExtractedPlan, path: Path) -> None:
    """A cached plan of the same bytes found under another name: the name is the only difference
    (extraction reads the path only for its suffix, which is part of the key)."""
    where = str(path)
    if plan.document.path == where:
        return
    plan.document.path = where
    name = plan.document.name
    for mention in plan.mentions:
        mention.doc = name
