"""Where the repository and the shared material are. The shared folder (seeds, gold, dev, tools)
sits next to the repository; POLICYKG_SHARED names it when it is elsewhere (a worktree)."""
from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("POLICYKG_SHARED") or REPO.parent / "shared")
SEEDS = SHARED / "seeds"
GOLD = SHARED / "gold"
