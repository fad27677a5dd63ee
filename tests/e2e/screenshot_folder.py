"""Where the browser tests write their screenshots. A test run writes them to a folder of its
own, so it leaves the tracked PNGs in docs/screenshots/ as they are; `make screenshots`
(WARDFUND_UPDATE_SCREENSHOTS=1) writes them there, to be looked at and committed."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def screenshot_folder() -> Path:
    if os.environ.get("WARDFUND_UPDATE_SCREENSHOTS") == "1":
        return DOCS
    folder = Path(tempfile.gettempdir()) / "wardfund-screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
