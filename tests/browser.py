"""Real headless Chromium (Debian's chromium and chromium-driver) against a site served on localhost."""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm", ".js": "text/javascript",
    }

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve `directory` over HTTP on 127.0.0.1 (a free port); yields the base URL ending in '/'."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


COMPRESSED = (".html", ".js", ".css", ".json", ".svg", ".xml", ".txt", ".ics", ".csv")
"""What a web server gzips on the way (Pagefind's own index files are gzip already)."""


@contextlib.contextmanager
def counting_server(directory: Path) -> Iterator[tuple[str, dict[str, int]]]:
    """The site on localhost, gzipping text as production servers do, and counting the bytes of every response
    body (workers' fetches too): as sent over the wire, and before compression."""
    served = {"wire": 0, "raw": 0, "search_wire": 0, "search_raw": 0}
    """Everything, and what the search fetched (Pagefind's script, WebAssembly, indexes, fragments and the router)."""

    class Handler(_QuietHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            path = Path(self.translate_path(self.path))
            if path.is_dir():
                path = path / "index.html"
            if not path.is_file():
                self.send_error(404)
                return
            raw = path.read_bytes()
            body = raw
            zipped = path.suffix in COMPRESSED and "gzip" in self.headers.get("Accept-Encoding", "")
            if zipped:
                body = gzip.compress(raw, 6)
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            if zipped:
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "max-age=600")
            self.end_headers()
            self.wfile.write(body)
            served["wire"] += len(body)
            served["raw"] += len(raw)
            if "/pagefind/" in self.path:
                served["search_wire"] += len(body)
                served["search_raw"] += len(raw)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", served
    finally:
        server.shutdown()
        server.server_close()


FLAGS = ("--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--lang=zh-CN")
"""Chromium's flags for this machine: without the background-networking ones it keeps dialling Google's hosts."""


def launch(playwright):
    """Debian's Chromium through Playwright (for axe-core, print emulation and every request seen), headless."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=list(FLAGS))


def set_reading(page, mode: str) -> None:
    """The 大字/高对比 choice as reading.js keeps it for the page's site ('' for none); pages loaded after see it."""
    page.evaluate("(m) => m ? localStorage.setItem('gk-reading', m) : localStorage.removeItem('gk-reading')", mode)


def settle(page, path: str) -> None:
    """Wait until the page at `path` is loaded, and a search page until its results are on screen."""
    page.wait_for_load_state("load")
    if "search/?q=" in path:
        page.wait_for_selector("#gk-results .gk-result", timeout=20_000)


def chrome(width: int = 1280, height: int = 900):
    """A headless Chromium that talks to nothing but localhost."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    if not Path(CHROMIUM).exists() or not Path(CHROMEDRIVER).exists():
        raise RuntimeError("chromium and chromium-driver are not installed: run ./scripts/test, which installs them with apt")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", *FLAGS, f"--window-size={width},{height}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_script_timeout(60)
    if width < 600:  # headless windows do not go below 500 px: emulate the phone's viewport instead
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": height, "deviceScaleFactor": 2, "mobile": True})
    return driver


def engine_script(body: str) -> str:
    """An async script for execute_async_script with `engine` (searchcore.js opened on the search page's own
    bundle) and `queries` (the first argument) in scope; `body` returns what the test gets back."""
    return """
const done = arguments[arguments.length - 1];
const queries = arguments[0];
(async () => {
  const form = document.getElementById("gk-search");
  const bundle = new URL(form.dataset.pagefind, document.baseURI);
  const core = await import(new URL("searchcore.js", document.querySelector('script[src$="/search.js"]').src).href);
  const engine = await core.openSearch(bundle.href, new URL("../", bundle).pathname);
""" + body + """
})().then(done, (error) => done({ error: String(error) }));
"""


SEARCH_JS = engine_script("""
  const out = {};
  for (const q of queries) out[q] = (await engine.searchAll(q)).map((d) => d.url);
  return out;""")


def search_urls(driver, site_url: str, queries: list[str]) -> dict[str, list[str]]:
    """Run each query through the site's own search in the browser, over every catalogue it routes the query
    to at once; result URLs per query."""
    driver.get(site_url + "search/")
    result = driver.execute_async_script(SEARCH_JS, queries)
    if "error" in result:
        raise RuntimeError(result["error"])
    return result


def wait_for(driver, condition, timeout: float = 20):
    """Poll until `condition` holds; a list the page re-rendered while it was read is polled again."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.wait import WebDriverWait

    return WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,)).until(condition)
