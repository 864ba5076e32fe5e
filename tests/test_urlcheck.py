"""The external link checker against a real local HTTP server: states, retries, politeness, cache, command."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from conftest import ENTRY, ENTRY_PATH, Repo
from gongkai import cli, urlcheck
from gongkai.clock import CHINA
from gongkai.paths import Layout
from gongkai.urlcheck import BrokenLink, UrlResult, broken_links, check_urls, read_results
from gongkai.validate import validate

NOW = datetime(2024, 6, 1, 9, 0, tzinfo=CHINA)
CHECKED_AT = NOW.isoformat(timespec="seconds")
SLOW_SECONDS = 5.0
"""How long /slow would wait; the fixture releases it at teardown, so no test waits for it."""


@dataclass
class ServerState:
    lock: threading.Lock = field(default_factory=threading.Lock)
    release: threading.Event = field(default_factory=threading.Event)
    requests: list[tuple[str, str]] = field(default_factory=list)
    starts: list[float] = field(default_factory=list)
    user_agents: set[str] = field(default_factory=set)
    in_flight: int = 0
    max_in_flight: int = 0
    flaky_failed: bool = False


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def do_GET(self) -> None:
        self._answer(body=True)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self, body: bool) -> None:
        state, path = self.server.state, urlsplit(self.path).path
        with state.lock:
            state.requests.append((self.command, path))
            state.starts.append(time.monotonic())
            state.user_agents.add(self.headers.get("User-Agent", ""))
            state.in_flight += 1
            state.max_in_flight = max(state.max_in_flight, state.in_flight)
        try:
            status, headers = self._route(path, state)
        finally:
            with state.lock:  # before answering: the client's next request may start as soon as it reads this one
                state.in_flight -= 1
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "2")
            self.end_headers()
            if body:
                self.wfile.write(b"ok")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (/slow)

    def _route(self, path: str, state: ServerState) -> tuple[int, dict[str, str]]:
        if path == "/ok":
            return 200, {}
        if path == "/error":
            return 500, {}
        if path == "/loop":
            return 302, {"Location": "/loop2"}
        if path == "/loop2":
            return 301, {"Location": "/loop"}
        if path == "/redirect-to-missing":
            return 302, {"Location": "/missing"}
        if path == "/redirect-to-ok":
            return 301, {"Location": "/ok"}
        if path == "/redirect-to-private":
            return 302, {"Location": "http://10.0.0.1/document.html"}
        if path == "/slow":
            state.release.wait(SLOW_SECONDS)
            return 200, {}
        if path == "/flaky":
            with state.lock:
                failed, state.flaky_failed = state.flaky_failed, True
            return (200, {}) if failed else (500, {})
        if path == "/ratelimited":
            return 429, {"Retry-After": "120"}
        if path == "/busy":
            return 503, {"Retry-After": "60"}
        if path == "/head-not-allowed":
            return (405, {"Allow": "GET"}) if self.command == "HEAD" else (200, {})
        if path == "/hold":
            time.sleep(0.1)
            return 200, {}
        return 404, {}


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins every handler thread
    state: ServerState

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


@dataclass
class Server:
    port: int
    state: ServerState

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def named_url(self, path: str) -> str:
        """The same endpoint under a public-looking name, as entry files must write it (they may not name 127.0.0.1)."""
        return f"http://{LINKS_HOST}:{self.port}{path}"

    def count(self, path: str) -> int:
        with self.state.lock:
            return sum(p == path for _, p in self.state.requests)

    def methods(self, path: str) -> list[str]:
        with self.state.lock:
            return [m for m, p in self.state.requests if p == path]


@pytest.fixture
def server() -> Iterator[Server]:
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.state = ServerState()
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield Server(httpd.server_address[1], httpd.state)
    finally:
        httpd.state.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def refused_url() -> str:
    """An address where nothing listens: a port bound and closed again."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/document.html"


def check(urls: list[str], **options: Any) -> dict[str, UrlResult]:
    """check_urls with test defaults: no cache, local addresses allowed, no politeness delay, tiny backoff."""
    settings: dict[str, Any] = {"cache": None, "now": NOW, "timeout": 2.0, "retries": 1, "backoff": 0.01,
                                "delay_per_host": 0.0, "allow_private": True, **options}
    return check_urls(urls, **settings)


def test_each_kind_of_answer(server: Server) -> None:
    u = server.url
    refused = refused_url()
    paths = ["/ok", "/missing", "/error", "/loop", "/redirect-to-missing", "/redirect-to-ok", "/slow", "/flaky",
             "/ratelimited", "/busy", "/head-not-allowed"]
    results = check([*map(u, paths), refused], timeout=0.5)

    assert results == {
        u("/ok"): UrlResult(u("/ok"), "ok", 200, "可以打开", (u("/ok"),), CHECKED_AT),
        u("/missing"): UrlResult(u("/missing"), "broken", 404, "网页不存在（404）", (u("/missing"),), CHECKED_AT),
        u("/error"): UrlResult(u("/error"), "broken", 500, "服务器错误（500）", (u("/error"),), CHECKED_AT),
        u("/loop"): UrlResult(u("/loop"), "broken", 301, "重定向循环", (u("/loop"), u("/loop2"), u("/loop")), CHECKED_AT),
        u("/redirect-to-missing"): UrlResult(u("/redirect-to-missing"), "broken", 404, "重定向后网页不存在（404）",
                                             (u("/redirect-to-missing"), u("/missing")), CHECKED_AT),
        u("/redirect-to-ok"): UrlResult(u("/redirect-to-ok"), "ok", 200, "可以打开（经过 1 次重定向）",
                                        (u("/redirect-to-ok"), u("/ok")), CHECKED_AT),
        u("/slow"): UrlResult(u("/slow"), "broken", None, "连接超时（0.5 秒）", (u("/slow"),), CHECKED_AT),
        u("/flaky"): UrlResult(u("/flaky"), "ok", 200, "可以打开", (u("/flaky"),), CHECKED_AT),
        u("/ratelimited"): UrlResult(u("/ratelimited"), "retry_later", 429, "服务器要求稍后再试（429）", (u("/ratelimited"),), CHECKED_AT),
        u("/busy"): UrlResult(u("/busy"), "retry_later", 503, "服务器要求稍后再试（503）", (u("/busy"),), CHECKED_AT),
        u("/head-not-allowed"): UrlResult(u("/head-not-allowed"), "ok", 200, "可以打开", (u("/head-not-allowed"),), CHECKED_AT),
        refused: UrlResult(refused, "broken", None, "无法连接（连接被拒绝）", (refused,), CHECKED_AT),
    }
    assert list(results) == [*map(u, paths), refused]
    assert server.methods("/flaky") == ["HEAD", "HEAD"]  # 500, then tried again: 200
    assert server.methods("/error") == ["HEAD", "HEAD"]  # retries=1: two attempts, then broken
    assert server.methods("/slow") == ["HEAD", "HEAD"]
    assert server.methods("/ratelimited") == ["HEAD"]  # "try later" means later: not now
    assert server.methods("/head-not-allowed") == ["HEAD", "GET"]
    assert server.methods("/missing") == ["HEAD", "HEAD"]  # once itself, once at the end of /redirect-to-missing
    ua = {agent.encode("latin-1").decode("utf-8") for agent in server.state.user_agents}
    assert ua == {"gongkai-linkcheck/1 (+政务公开目录链接检查)"}


def test_duplicates_are_checked_once(server: Server) -> None:
    results = check([server.url("/ok"), server.url("/ok")])
    assert list(results) == [server.url("/ok")]
    assert server.count("/ok") == 1


def test_fresh_ok_results_are_reused_and_the_rest_rechecked(server: Server, tmp_path: Path) -> None:
    cache = tmp_path / "cache" / "urls.json"
    urls = [server.url("/ok"), server.url("/missing"), server.url("/ratelimited")]
    first = check(urls, cache=cache)
    assert [server.count(p) for p in ("/ok", "/missing", "/ratelimited")] == [1, 1, 1]
    data = json.loads(cache.read_text(encoding="utf-8"))
    assert data["format"] == "gongkai-url-results" and data["version"] == 1
    assert data["results"][server.url("/ok")] == {"state": "ok", "status": 200, "reason": "可以打开",
                                                  "chain": [server.url("/ok")], "checked_at": CHECKED_AT}
    assert list(tmp_path.joinpath("cache").iterdir()) == [cache]  # no temporary file left behind

    second = check(urls, cache=cache, now=NOW + timedelta(days=5))
    assert [server.count(p) for p in ("/ok", "/missing", "/ratelimited")] == [1, 2, 2]
    assert second[server.url("/ok")] == first[server.url("/ok")]  # the old result, with its old date
    assert second[server.url("/missing")].checked_at == (NOW + timedelta(days=5)).isoformat(timespec="seconds")
    assert read_results(cache) == second

    check(urls, cache=cache, now=NOW + timedelta(days=6, seconds=1))
    assert server.count("/ok") == 2  # older than max_age: asked again


def _cache_with_fresh_ok(server: Server, **changes: Any) -> dict[str, Any]:
    result = {"state": "ok", "status": 200, "reason": "可以打开", "chain": [server.url("/ok")], "checked_at": CHECKED_AT}
    return {"format": "gongkai-url-results", "version": 1, "results": {server.url("/ok"): result}, **changes}


@pytest.mark.parametrize("contents", [
    "{not json",
    "[]",
    "",
    "\udcff",
    "version 2",
    "other format",
    "version true",
    "bad result",
])
def test_an_unusable_cache_is_ignored(server: Server, tmp_path: Path, contents: str) -> None:
    cache = tmp_path / "urls.json"
    if contents == "version 2":
        contents = json.dumps(_cache_with_fresh_ok(server, version=2))
    elif contents == "version true":
        contents = json.dumps(_cache_with_fresh_ok(server, version=True))
    elif contents == "other format":
        contents = json.dumps(_cache_with_fresh_ok(server, format="something-else"))
    elif contents == "bad result":
        contents = json.dumps(_cache_with_fresh_ok(server, results={server.url("/ok"): {"state": "fine", "status": "200"}}))
    cache.write_bytes(contents.encode("utf-8", "surrogateescape"))

    results = check([server.url("/ok")], cache=cache)

    assert results[server.url("/ok")].state == "ok"
    assert server.count("/ok") == 1
    assert read_results(cache) == results


def test_a_valid_cache_is_used(server: Server, tmp_path: Path) -> None:
    cache = tmp_path / "urls.json"
    cache.write_text(json.dumps(_cache_with_fresh_ok(server)), encoding="utf-8")
    assert check([server.url("/ok")], cache=cache, now=NOW + timedelta(hours=1))[server.url("/ok")].checked_at == CHECKED_AT
    assert server.count("/ok") == 0


def test_read_results_of_a_missing_file_is_empty(tmp_path: Path) -> None:
    assert read_results(tmp_path / "nothing.json") == {}
    assert read_results(tmp_path) == {}  # a folder


def test_private_and_non_http_addresses_are_never_requested(server: Server) -> None:
    urls = [server.url("/ok"), f"http://localhost:{server.port}/ok", "http://10.1.2.3/a.html", "https://192.168.0.1/",
            "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://0.0.0.0/", "http://[::ffff:127.0.0.1]/",
            "ftp://files.example.gov.cn/a.pdf", "mailto:office@example.gov.cn"]
    results = check(urls, allow_private=False)
    assert {url: (r.state, r.status, r.reason, r.chain) for url, r in results.items()} == {
        url: ("skipped", None, "不是 http 或 https 网址，未检查" if url.startswith(("ftp", "mailto")) else "指向内网或保留地址，未检查", ())
        for url in urls
    }
    assert server.state.requests == []


def test_a_redirect_to_an_internal_address_is_not_followed(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(urlcheck, "internal_address", lambda address: not address.is_loopback)  # the test server counts as public
    url = server.url("/redirect-to-private")
    results = check([url], allow_private=False)
    assert results[url] == UrlResult(url, "skipped", None, "指向内网或保留地址，未检查",
                                     (url, "http://10.0.0.1/document.html"), CHECKED_AT)


def test_at_most_per_host_requests_are_in_flight(server: Server) -> None:
    urls = [server.url(f"/hold?n={n}") for n in range(8)]
    results = check(urls, workers=8, per_host=2)
    assert {r.state for r in results.values()} == {"ok"}
    assert server.state.max_in_flight == 2


def test_requests_to_one_host_are_spaced(server: Server) -> None:
    urls = [server.url(f"/ok?n={n}") for n in range(3)]
    check(urls, workers=3, per_host=3, delay_per_host=0.2)
    gaps = [b - a for a, b in pairwise(sorted(server.state.starts))]
    assert len(gaps) == 2 and min(gaps) >= 0.15


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        check_urls([], cache=None, now=NOW, workers=0)


def _entry(subject: str, title: str, links: list[tuple[str, str]]) -> str:
    head = ENTRY.split("published:")[0].replace("subject: 县民政局", f"subject: {subject}").replace(
        "title: 最低生活保障", f"title: {title}")
    items = "".join(f"  - title: {t}\n    url: {u}\n    date: 2024-03-01\n" for t, u in links)
    return f"{head}published:\n{items}"


TEKUN_PATH = "data/catalogues/test-xian/shehui-jiuzhu/tekun-renyuan.yml"


LINKS_HOST = "links.gongkai.test"


@pytest.fixture(autouse=True)
def links_host_is_this_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Resolve LINKS_HOST to 127.0.0.1 for the checker alone, without any DNS."""
    real = socket.getaddrinfo

    def getaddrinfo(host: str, *args: Any, **kwargs: Any) -> Any:
        return real("127.0.0.1" if host == LINKS_HOST else host, *args, **kwargs)

    monkeypatch.setattr(urlcheck.socket, "getaddrinfo", getaddrinfo)


def _write_entries(repo: Repo, server: Server) -> None:
    repo.write(ENTRY_PATH, _entry("县民政局", "最低生活保障", [
        ("2024年低保标准", server.named_url("/ok")),
        ("低保申请指南", server.named_url("/missing")),
    ]))
    repo.write(TEKUN_PATH, _entry("县财政局", "特困人员救助供养", [
        ("特困供养标准", server.named_url("/redirect-to-missing")),
        ("低保申请指南（转载）", server.named_url("/missing")),
    ]))


def test_broken_links_name_the_entry_and_department(repo: Repo, server: Server) -> None:
    _write_entries(repo, server)
    checked = validate(Layout(repo.root))
    assert checked.repository is not None, [p.text() for p in checked.problems]

    links = broken_links(checked.repository, check(urlcheck.external_urls(checked.repository)))

    assert links == [
        BrokenLink("test-xian/shehui-jiuzhu/zuidi-shenghuo-baozhang", "test-xian", "县民政局", "低保申请指南",
                   server.named_url("/missing"), "网页不存在（404）", 404, ENTRY_PATH, "最低生活保障"),
        BrokenLink("test-xian/shehui-jiuzhu/tekun-renyuan", "test-xian", "县财政局", "低保申请指南（转载）",
                   server.named_url("/missing"), "网页不存在（404）", 404, TEKUN_PATH, "特困人员救助供养"),
        BrokenLink("test-xian/shehui-jiuzhu/tekun-renyuan", "test-xian", "县财政局", "特困供养标准",
                   server.named_url("/redirect-to-missing"), "重定向后网页不存在（404）", 404, TEKUN_PATH, "特困人员救助供养"),
    ]
    assert server.count("/missing") == 2  # shared by two entries, checked once (plus once behind the redirect)


@pytest.fixture
def check_urls_command(monkeypatch: pytest.MonkeyPatch) -> None:
    """Register the command the way cli.COMMANDS will, so the real `gongkai` entry point runs it."""
    monkeypatch.setitem(cli.COMMANDS, "check-urls", (urlcheck.configure, urlcheck.run))


@pytest.mark.usefixtures("check_urls_command")
def test_command_lists_broken_links_by_department_and_exits_0(repo: Repo, server: Server, gongkai: Any) -> None:
    _write_entries(repo, server)
    run = gongkai(repo.root, "check-urls", "--timeout", "2", "--delay", "0", "--allow-private")
    assert run.code == 0, run.err
    assert run.lines == [
        "县民政局（1 个链接无法打开）：",
        f"{ENTRY_PATH}: 事项 最低生活保障: 链接“低保申请指南”<{server.named_url('/missing')}> 无法打开：网页不存在（404）",
        "县财政局（2 个链接无法打开）：",
        f"{TEKUN_PATH}: 事项 特困人员救助供养: 链接“低保申请指南（转载）”<{server.named_url('/missing')}> 无法打开：网页不存在（404）",
        f"{TEKUN_PATH}: 事项 特困人员救助供养: 链接“特困供养标准”<{server.named_url('/redirect-to-missing')}> 无法打开："
        "重定向后网页不存在（404）",
        "共检查 3 个网址：1 个可以打开，2 个无法打开，0 个需要稍后再试（网站限制了访问频率），0 个跳过（内网地址或不是 http/https 网址）。"
        "外部链接失效不影响网站发布；请相关部门更新已公开内容的网址。",
    ]
    results = read_results(repo.root / ".cache" / "gongkai" / "urls.json")
    assert set(results) == {server.named_url(p) for p in ("/ok", "/missing", "/redirect-to-missing")}

    again = gongkai(repo.root, "check-urls", "--timeout", "2", "--delay", "0", "--allow-private")
    assert again.code == 0
    assert again.lines[-1].endswith("其中 1 个沿用了 6 天内的检查结果。外部链接失效不影响网站发布；请相关部门更新已公开内容的网址。")
    assert server.count("/ok") == 1


@pytest.mark.usefixtures("check_urls_command")
def test_command_skips_local_addresses_unless_allowed(repo: Repo, server: Server, gongkai: Any, tmp_path: Path) -> None:
    _write_entries(repo, server)
    cache = tmp_path / "elsewhere.json"
    run = gongkai(repo.root, "check-urls", "--cache", str(cache), "--delay", "0")
    assert run.code == 0
    assert run.lines == ["共检查 3 个网址：0 个可以打开，0 个无法打开，0 个需要稍后再试（网站限制了访问频率），"
                         "3 个跳过（内网地址或不是 http/https 网址）。"]
    assert server.state.requests == []
    assert cache.is_file() and not (repo.root / ".cache").exists()


@pytest.mark.usefixtures("check_urls_command")
def test_command_refuses_invalid_data(repo: Repo, gongkai: Any) -> None:
    repo.write(ENTRY_PATH, ENTRY.replace("mode: 主动", "mode: 随便"))
    run = gongkai(repo.root, "check-urls")
    assert run.code == 1
    assert run.out == ""
    assert run.err.splitlines()[-1] == "数据中有 1 个错误，无法检查链接。请先修正（可运行 gongkai validate 查看），然后重新检查。"
    assert run.err.startswith(f"{ENTRY_PATH}:")


@pytest.mark.usefixtures("check_urls_command")
@pytest.mark.parametrize("args", [["--workers", "0"], ["--timeout", "0"], ["--delay", "-1"], ["--cache", "."]])
def test_command_usage_errors_exit_2(repo: Repo, gongkai: Any, args: list[str]) -> None:
    run = gongkai(repo.root, "check-urls", *args)
    assert run.code == 2
    assert run.out == "" and run.err


@pytest.mark.usefixtures("check_urls_command")
def test_command_unparsable_option_exits_2(repo: Repo, gongkai: Any) -> None:
    with pytest.raises(SystemExit) as exit_:
        gongkai(repo.root, "check-urls", "--timeout", "soon")
    assert exit_.value.code == 2
