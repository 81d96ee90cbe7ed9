"""Take the README's screenshot of the explorer's home page (1280x900) from a running server:

    dragoman serve --db news.duckdb --port 8000 &
    python docs/screenshot.py http://127.0.0.1:8000 docs/explorer.png

Uses Playwright (the test extra) with Debian's chromium (`apt-get install chromium`); Playwright's
own browser download is not needed. Not a test: it checks nothing but that the page loads."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Screenshot the dragoman explorer's home page.")
    p.add_argument("url", help="the running server, e.g. http://127.0.0.1:8000")
    p.add_argument("output", type=Path, help="the PNG file to write")
    p.add_argument("--chromium", default=CHROMIUM, help=f"the browser to drive (default {CHROMIUM})")
    args = p.parse_args(argv)
    if not Path(args.chromium).exists():
        print(f"screenshot: {args.chromium} is missing. Install Debian's chromium (apt-get install chromium) "
              "or pass --chromium PATH", file=sys.stderr)
        return 2

    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            response = page.goto(args.url.rstrip("/") + "/", wait_until="networkidle")
            if response is None or response.status != 200:
                status = response.status if response else "no answer"
                print(f"screenshot: {args.url}/ answered {status}. Is `dragoman serve` running there?",
                      file=sys.stderr)
                return 1
            args.output.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.output))
        finally:
            browser.close()
    print(f"screenshot: wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
