"""Headless Chromium: an email's HTML → a full-length PNG, and the text the page shows.

Two runs of the browser per page: the first loads a copy of the page with a measuring
script added (the email itself has none) and dumps the DOM, giving the page's height and
its rendered text (`innerText`); the second screenshots the email as it is, at that height.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
)
WIDTH = 820
MIN_HEIGHT = 200
TIMEOUT_SECONDS = 60
MEASURE = (
    "<script>(function(){var d=document.documentElement;"
    "var p=document.createElement('pre');p.id='wardfund-measure';"
    "p.setAttribute('data-height',String(d.scrollHeight));"
    "p.textContent=document.body.innerText;document.body.appendChild(p);})();</script>"
)
MEASURED = re.compile(r'<pre id="wardfund-measure" data-height="(\d+)">(.*?)</pre>', re.S)


class BrowserMissing(RuntimeError):
    """No Chromium on this machine (scripts/bootstrap installs Debian's `chromium`)."""


@dataclass(frozen=True)
class Shot:
    png: Path
    height: int
    text: str


def find_browser() -> str | None:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def _run(browser: str, profile: Path, *args: str) -> str:
    done = subprocess.run(  # noqa: S603 (a browser we found, fixed flags, our own files)
        [browser, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{browser} exited {done.returncode}: {done.stderr[-500:]}")
    return done.stdout


def screenshot(page: Path, png: Path, width: int = WIDTH) -> Shot:
    browser = find_browser()
    if browser is None:
        raise BrowserMissing(
            "no chromium found; run scripts/bootstrap (installs Debian's chromium)"
        )
    with tempfile.TemporaryDirectory(prefix="wardfund-chromium-") as scratch:
        work = Path(scratch)
        measuring = work / "measure.html"
        measuring.write_text(
            page.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"),
            encoding="utf-8",
        )
        dom = _run(
            browser, work / "profile", f"--window-size={width},{MIN_HEIGHT}", "--dump-dom",
            measuring.as_uri(),
        )  # fmt: skip
        found = MEASURED.search(dom)
        if found is None:
            raise RuntimeError(f"{browser} did not run the measuring script on {page.name}")
        height = max(MIN_HEIGHT, int(found.group(1)))
        png.parent.mkdir(parents=True, exist_ok=True)
        _run(
            browser, work / "profile", f"--window-size={width},{height}",
            f"--screenshot={png.resolve()}", page.resolve().as_uri(),
        )  # fmt: skip
    return Shot(png=png, height=height, text=html.unescape(found.group(2)))
