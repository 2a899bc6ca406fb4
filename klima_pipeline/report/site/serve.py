"""`klima serve`: the website of a report year over HTTP, with the standard library.

It serves the year's folder (the site links to the report's charts and data files
beside it) on the loopback address only, so nothing outside the machine sees it.
"""

from __future__ import annotations

import signal
import sys
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from klima_pipeline.errors import KlimaError

from .entry import SITE

HOST = "127.0.0.1"


def site_folder(reports: Path, year: int | None) -> Path:
    """The year's folder (the latest year with a site when none is given)."""
    if year is not None:
        folder = reports / str(year)
        if not (folder / SITE / "index.html").is_file():
            raise KlimaError(
                f"{folder / SITE} has no website; build it with `klima run --year {year}`"
            )
        return folder
    years = sorted(
        (int(p.name) for p in reports.glob("[0-9]*") if (p / SITE / "index.html").is_file()),
        reverse=True,
    )
    if not years:
        raise KlimaError(f"{reports} has no report year with a website; run `klima run` first")
    return reports / str(years[0])


class _Handler(SimpleHTTPRequestHandler):
    extensions_map = {  # noqa: RUF012 - the base class's attribute, extended
        **SimpleHTTPRequestHandler.extensions_map,
        ".csv": "text/csv; charset=utf-8",
        ".parquet": "application/vnd.apache.parquet",
        ".svg": "image/svg+xml",
    }

    def do_GET(self) -> None:
        if self.path in {"", "/"}:  # the year's folder itself: the site is one level down
            self.send_response(302)
            self.send_header("Location", f"/{SITE}/")
            self.end_headers()
            return
        super().do_GET()


def _stop(_signal: int, _frame: object) -> None:
    raise KeyboardInterrupt


def serve(reports: Path, year: int | None, port: int) -> int:
    """Serve until interrupted or terminated; prints the address first (port 0: a free
    port)."""
    folder = site_folder(reports, year)
    # A process started in the background may inherit SIGTERM as ignored; the server
    # should still stop when asked to.
    signal.signal(signal.SIGTERM, _stop)
    handler = partial(_Handler, directory=str(folder))
    with ThreadingHTTPServer((HOST, port), handler) as server:
        url = f"http://{HOST}:{server.server_address[1]}/{SITE}/"
        print(f"Serving the {folder.name} website from {folder / SITE} at {url}", flush=True)
        print("Stop with Ctrl+C.", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print("Stopped.", file=sys.stderr)
    return 0
