"""External links of published content: does each `published: - url:` still open? Never blocks publishing.

Government sites move and delete documents, so entries' links rot; departments need a list of the ones
that no longer open. Other sites' outages are not ours, so the command always exits 0 when it could check.

Standard library only (http.client), not requests: the checker resolves each host itself, refuses private
addresses, and then connects to exactly the addresses it vetted (so DNS cannot swap in an internal address
between the check and the request); it sends HEAD and follows redirects one hop at a time, so each hop is
vetted, rate-limited and recorded. With requests all three would hide behind its adapters and pools.
For the same reason proxies from the environment are not used: the checker connects directly.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import ipaddress
import json
import os
import socket
import ssl
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from itertools import groupby
from pathlib import Path
from typing import Any, Literal, get_args
from urllib.parse import quote, urldefrag, urljoin, urlsplit

from .clock import CHINA
from .model import Repository
from .paths import Layout
from .textrules import internal_address
from .validate import validate

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
USER_AGENT = "gongkai-linkcheck/1 (+政务公开目录链接检查)"
_USER_AGENT_BYTES = USER_AGENT.encode("utf-8")
"""Sent as UTF-8: HTTP allows non-ASCII octets inside a (comment), and http.client would refuse the text as latin-1."""

DEFAULT_CACHE = Path(".cache/gongkai/urls.json")
DEFAULT_MAX_AGE = timedelta(days=6)
"""Under a week, so a weekly job rechecks every link each time and a nightly one spreads nothing thin."""
CACHE_FORMAT, CACHE_VERSION = "gongkai-url-results", 1
MAX_REDIRECTS = 10
REDIRECTS = frozenset({301, 302, 303, 307, 308})
HEAD_REFUSED = frozenset({403, 405, 501})
"""Answers some servers give to HEAD only; the same address is then asked with GET."""
HTTP_SCHEMES = {"http": 80, "https": 443}

State = Literal["ok", "broken", "retry_later", "skipped"]
STATES: frozenset[str] = frozenset(get_args(State))

_SKIP_INTERNAL = "指向内网或保留地址，未检查"
_SKIP_SCHEME = "不是 http 或 https 网址，未检查"
_STATUS_WORDS = {400: "请求无效", 401: "需要登录", 403: "禁止访问", 404: "网页不存在", 410: "网页已删除"}


@dataclass(frozen=True)
class UrlResult:
    """What one check of one address found.

    `chain` is every address followed, from `url` itself to the last redirect's target (for a loop: the one seen
    again); empty when nothing was requested.
    """

    url: str
    state: State
    status: int | None
    """The HTTP status that decided the state; None when the last step got no answer (or nothing was sent)."""
    reason: str
    chain: tuple[str, ...] = ()
    checked_at: str = ""


@dataclass(frozen=True)
class BrokenLink:
    """A published document whose address no longer opens, with the entry and department that must fix it."""

    entry_id: str
    catalogue: str
    department: str
    title: str
    url: str
    reason: str
    status: int | None
    path: str = ""
    entry_title: str = ""

    def text(self) -> str:
        return f"{self.path}: 事项 {self.entry_title}: 链接“{self.title}”<{self.url}> 无法打开：{self.reason}"


class _Stop(Exception):
    """The check of an address ends here, with this state and reason, without (another) request."""

    def __init__(self, state: State, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.state, self.reason, self.status = state, reason, status


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    """ASCII (IDNA) and lower case, without the brackets of an IPv6 address."""
    port: int
    request: str
    """Path and query as sent: non-ASCII characters and spaces percent-encoded."""


@dataclass(frozen=True)
class _Answer:
    status: int
    location: str | None
    retry_after: str | None


def _target(url: str) -> _Target:
    try:
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        if scheme not in HTTP_SCHEMES:
            raise _Stop("skipped", _SKIP_SCHEME)
        host, port = parts.hostname, parts.port
    except ValueError:
        raise _Stop("broken", "网址无效（域名或端口写错了）") from None
    if not host:
        raise _Stop("broken", "网址无效（缺少网站域名）")
    try:
        host = host if host.isascii() else host.encode("idna").decode("ascii")
    except UnicodeError:
        raise _Stop("broken", "网址中的域名无效") from None
    safe = "!#$%&'()*+,/:;=?@[]~"
    request = quote(parts.path or "/", safe=safe) + (f"?{quote(parts.query, safe=safe)}" if parts.query else "")
    return _Target(scheme, host, port or HTTP_SCHEMES[scheme], request)


def _host_key(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


@lru_cache(maxsize=1)
def _tls() -> ssl.SSLContext:
    """One verifying context for every thread; set up as http.client would, so it never mutates it."""
    context = ssl.create_default_context()
    context.set_alpn_protocols(["http/1.1"])
    return context


def _connect(addresses: Sequence[str], port: int, timeout: float) -> socket.socket:
    error: OSError = OSError("没有可用的地址")
    for address in addresses:
        try:
            return socket.create_connection((address, port), timeout)
        except OSError as exc:
            error = exc
    raise error


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the vetted addresses; the Host header stays the URL's."""

    def __init__(self, host: str, port: int, addresses: Sequence[str], timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.addresses = addresses

    def connect(self) -> None:
        self.sock = _connect(self.addresses, self.port, self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """Connects to the vetted addresses; the Host header and the certificate's name stay the URL's."""

    def __init__(self, host: str, port: int, addresses: Sequence[str], timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=_tls())
        self.addresses = addresses

    def connect(self) -> None:
        sock = _connect(self.addresses, self.port, self.timeout)
        try:
            self.sock = _tls().wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise


def _fetch(target: _Target, method: str, addresses: Sequence[str], timeout: float) -> _Answer:
    """One request on a fresh connection; the body is never read."""
    kind = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
    connection = kind(target.host, target.port, addresses, timeout)
    try:
        connection.request(method, target.request, headers={"User-Agent": _USER_AGENT_BYTES, "Accept": "*/*",
                                                            "Connection": "close"})
        response = connection.getresponse()
        return _Answer(response.status, _header_text(response.getheader("Location")), response.getheader("Retry-After"))
    finally:
        connection.close()


def _header_text(value: str | None) -> str | None:
    """http.client decodes headers as latin-1; a Location with raw UTF-8 (common on Chinese sites) is decoded again."""
    if value is None:
        return None
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


def _failure(exc: Exception, timeout: float) -> tuple[str, bool]:
    """The Chinese reason for a request that got no answer, and whether trying again may help."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        return "无法连接（网站的安全证书无效）", False
    if isinstance(exc, TimeoutError):
        return f"连接超时（{timeout:g} 秒）", True
    if isinstance(exc, ConnectionRefusedError):
        return "无法连接（连接被拒绝）", True
    if isinstance(exc, socket.gaierror):
        return "无法连接（找不到网站域名）", True
    if isinstance(exc, http.client.RemoteDisconnected):
        return "无法连接（服务器没有回应就断开了连接）", True
    if isinstance(exc, ConnectionResetError):
        return "无法连接（连接被重置）", True
    if isinstance(exc, ssl.SSLError):
        return "无法连接（加密连接失败）", True
    if isinstance(exc, http.client.HTTPException):
        return "无法连接（服务器的回应无法识别）", True
    return f"无法连接（{getattr(exc, 'strerror', None) or type(exc).__name__}）", True


def _retry_later(answer: _Answer) -> bool:
    """429 always means "too many requests, not gone"; 503 only when the server says when to come back."""
    return answer.status == 429 or (answer.status == 503 and answer.retry_after is not None)


class _HostGate:
    """At most `per_host` requests in flight to one host, their starts at least `delay` seconds apart."""

    def __init__(self, per_host: int, delay: float) -> None:
        self._slots = threading.BoundedSemaphore(per_host)
        self._lock = threading.Lock()
        self._next = 0.0
        self._delay = delay

    def __enter__(self) -> None:
        self._slots.acquire()
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self._delay
        time.sleep(start - now)

    def __exit__(self, *exc: object) -> None:
        self._slots.release()


class _Checker:
    """The settings of one run, and its per-host gates shared by every worker thread."""

    def __init__(self, *, timeout: float, retries: int, backoff: float, per_host: int, delay: float,
                 allow_private: bool, checked_at: str) -> None:
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        self.per_host, self.delay, self.allow_private = per_host, delay, allow_private
        self.checked_at = checked_at
        self._gates: dict[str, _HostGate] = {}
        self._lock = threading.Lock()

    def _gate(self, host: str) -> _HostGate:
        with self._lock:
            return self._gates.setdefault(host, _HostGate(self.per_host, self.delay))

    def _addresses(self, target: _Target) -> list[str]:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        if not self.allow_private:
            addresses = [a for a in addresses if not _is_internal_text(a)]
            if not addresses:
                raise _Stop("skipped", _SKIP_INTERNAL)
        return addresses

    def _exchange(self, target: _Target, method: str) -> _Answer:
        """One request, tried again with backoff after a timeout, a connection error or a 5xx."""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            last = attempt == self.retries
            try:
                addresses = self._addresses(target)
                with self._gate(target.host):
                    answer = _fetch(target, method, addresses, self.timeout)
            except (OSError, http.client.HTTPException) as exc:
                reason, again = _failure(exc, self.timeout)
                if last or not again:
                    raise _Stop("broken", reason) from None
                continue
            if answer.status >= 500 and not _retry_later(answer) and not last:
                continue
            return answer
        raise AssertionError("unreachable")  # pragma: no cover

    def check(self, url: str) -> UrlResult:
        """HEAD (GET where HEAD is refused), following redirects by hand so that each hop is vetted and recorded."""
        chain: list[str] = []
        current, method = url, "HEAD"
        try:
            while True:
                target = _target(current)
                chain.append(current)
                answer = self._exchange(target, method)
                if method == "HEAD" and answer.status in HEAD_REFUSED:
                    method = "GET"
                    answer = self._exchange(target, method)
                status = answer.status
                if _retry_later(answer):
                    return self._result(url, "retry_later", status, f"服务器要求稍后再试（{status}）", chain)
                if status not in REDIRECTS:
                    break
                if not answer.location:
                    return self._result(url, "broken", status, f"重定向缺少目标地址（{status}）", chain)
                current = urljoin(current, answer.location)
                if urldefrag(current).url in {urldefrag(seen).url for seen in chain}:
                    return self._result(url, "broken", status, "重定向循环", [*chain, current])
                if len(chain) > MAX_REDIRECTS:
                    return self._result(url, "broken", status, f"重定向次数过多（超过 {MAX_REDIRECTS} 次）", [*chain, current])
        except _Stop as stop:
            if not chain or chain[-1] != current:
                chain.append(current)  # a redirect's target that could not be requested
            shown = [] if stop.state == "skipped" and len(chain) == 1 else chain
            return self._result(url, stop.state, stop.status, stop.reason, shown)
        redirects = len(chain) - 1
        if status < 400:
            return self._result(url, "ok", status, f"可以打开（经过 {redirects} 次重定向）" if redirects else "可以打开", chain)
        words = "服务器错误" if status >= 500 else _STATUS_WORDS.get(status, "无法访问")
        return self._result(url, "broken", status, f"{'重定向后' if redirects else ''}{words}（{status}）", chain)

    def _result(self, url: str, state: State, status: int | None, reason: str, chain: list[str]) -> UrlResult:
        return UrlResult(url, state, status, reason, tuple(chain), self.checked_at)


def _is_internal_text(address: str) -> bool:
    try:
        return internal_address(ipaddress.ip_address(address))
    except ValueError:
        return True


def _interleave(urls: Iterable[str]) -> list[str]:
    """Round-robin over hosts, so the workers are not all queued behind one host's politeness limit."""
    by_host: dict[str, list[str]] = defaultdict(list)
    for url in urls:
        by_host[_host_key(url)].append(url)
    queues = list(by_host.values())
    longest = max(map(len, queues), default=0)
    return [queue[i] for i in range(longest) for queue in queues if i < len(queue)]


def _fresh(result: UrlResult, now: datetime, max_age: timedelta) -> bool:
    if result.state != "ok":
        return False
    try:
        age = now - datetime.fromisoformat(result.checked_at)
    except (ValueError, TypeError):
        return False
    return timedelta(0) <= age < max_age


def check_urls(urls: Iterable[str], *, cache: Path | None, now: datetime, max_age: timedelta = DEFAULT_MAX_AGE,
               workers: int = 8, per_host: int = 2, timeout: float = 10.0, retries: int = 2,
               delay_per_host: float = 1.0, backoff: float = 0.5, allow_private: bool = False) -> dict[str, UrlResult]:
    """Check each distinct address once (in the order given), reusing fresh "ok" results from `cache` and writing it back.

    `now` (timezone-aware) dates the new results and ages the cached ones. Raises OSError if the cache cannot be written.
    """
    if workers < 1 or per_host < 1 or timeout <= 0 or retries < 0 or delay_per_host < 0 or backoff < 0:
        raise ValueError("workers and per_host must be at least 1, timeout positive, the others not negative")
    wanted = list(dict.fromkeys(urls))
    previous = read_results(cache) if cache is not None else {}
    results = {url: previous[url] for url in wanted if url in previous and _fresh(previous[url], now, max_age)}
    todo = [url for url in wanted if url not in results]
    if todo:
        checker = _Checker(timeout=timeout, retries=retries, backoff=backoff, per_host=per_host, delay=delay_per_host,
                           allow_private=allow_private, checked_at=now.isoformat(timespec="seconds"))
        with ThreadPoolExecutor(min(workers, len(todo)), thread_name_prefix="gongkai-urlcheck") as pool:
            results.update((result.url, result) for result in pool.map(checker.check, _interleave(todo)))
    ordered = {url: results[url] for url in wanted}
    if cache is not None:
        write_results(cache, ordered)
    return ordered


def _as_json(result: UrlResult) -> dict[str, Any]:
    return {"state": result.state, "status": result.status, "reason": result.reason, "chain": list(result.chain),
            "checked_at": result.checked_at}


def _from_json(url: str, raw: Any) -> UrlResult | None:
    if not isinstance(raw, dict):
        return None
    state, status, reason, chain, checked_at = (raw.get(k) for k in ("state", "status", "reason", "chain", "checked_at"))
    if (state not in STATES or not isinstance(reason, str) or not isinstance(checked_at, str)
            or not (status is None or type(status) is int)
            or not isinstance(chain, list) or not all(isinstance(c, str) for c in chain)):
        return None
    return UrlResult(url, state, status, reason, tuple(chain), checked_at)


def read_results(path: Path) -> dict[str, UrlResult]:
    """The results the last check wrote; {} when there are none or they cannot be trusted (all are rechecked then)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if (not isinstance(data, dict) or data.get("format") != CACHE_FORMAT or type(data.get("version")) is not int
            or data["version"] != CACHE_VERSION or not isinstance(data.get("results"), dict)):
        return {}
    found = ((url, _from_json(url, raw)) for url, raw in data["results"].items())
    return {url: result for url, result in found if result is not None}


def write_results(path: Path, results: dict[str, UrlResult]) -> None:
    """Atomically, so the site build reading it at the same time sees the old results or the new ones."""
    text = json.dumps({"format": CACHE_FORMAT, "version": CACHE_VERSION,
                       "results": {url: _as_json(r) for url, r in sorted(results.items())}},
                      ensure_ascii=False, indent=2) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def external_urls(repository: Repository) -> list[str]:
    """Every address entries say they published at, once each, in entry order."""
    return list(dict.fromkeys(link.url for entry in repository.entries for link in entry.published if link.url))


def broken_links(repository: Repository, results: dict[str, UrlResult]) -> list[BrokenLink]:
    """One per published link whose address was found broken, by department, then entry and address."""
    found = [
        BrokenLink(entry.id, entry.catalogue, entry.subject, link.title, link.url, result.reason, result.status,
                   entry.path, entry.title)
        for entry in repository.entries
        for link in entry.published
        if link.url and (result := results.get(link.url)) is not None and result.state == "broken"
    ]
    return sorted(found, key=lambda b: (b.department, b.catalogue, b.entry_id, b.url, b.title))


def configure(commands: Any) -> None:
    parser = commands.add_parser(
        "check-urls", help="检查已公开内容的外部链接（不影响网站发布）",
        description="逐个打开各事项“已公开内容”中的网址，按部门列出打不开的链接。检查结果保存在缓存文件中："
                    "6 天内检查过、可以打开的链接不再重复请求。外部链接失效不会阻止网站发布。")
    parser.add_argument("--cache", type=Path, default=None, help=f"保存检查结果的文件（默认 {DEFAULT_CACHE.as_posix()}）")
    parser.add_argument("--timeout", type=float, default=10.0, help="每次请求最多等待的秒数（默认 10）")
    parser.add_argument("--workers", type=int, default=8, help="同时检查的链接数（默认 8；同一网站最多同时 2 个）")
    parser.add_argument("--delay", type=float, default=1.0, help="对同一网站两次请求之间至少间隔的秒数（默认 1）")
    parser.add_argument("--allow-private", action="store_true", help="也检查内网和本机地址（默认跳过）")


def run(args: argparse.Namespace, layout: Layout) -> int:
    if args.timeout <= 0 or args.workers < 1 or args.delay < 0:
        print("--timeout 必须大于 0，--workers 至少为 1，--delay 不能小于 0。", file=sys.stderr)
        return EXIT_USAGE
    cache = args.cache if args.cache is not None else layout.root / DEFAULT_CACHE
    if cache.is_dir():
        print(f"{cache} 是一个文件夹，不能用作缓存文件。请用 --cache 指定一个文件。", file=sys.stderr)
        return EXIT_USAGE
    checked = validate(layout)
    if checked.repository is None:
        errors = [p for p in checked.problems if p.severity == "error"]
        for problem in errors:
            print(problem.text(), file=sys.stderr)
        print(f"数据中有 {len(errors)} 个错误，无法检查链接。请先修正（可运行 gongkai validate 查看），然后重新检查。", file=sys.stderr)
        return EXIT_PROBLEMS
    repository = checked.repository
    now, urls = datetime.now(CHINA), external_urls(repository)
    cached = read_results(cache)
    reused = sum(url in cached and _fresh(cached[url], now, DEFAULT_MAX_AGE) for url in urls)
    try:
        results = check_urls(urls, cache=cache, now=now, timeout=args.timeout,
                             workers=args.workers, delay_per_host=args.delay, allow_private=args.allow_private)
    except OSError as exc:
        print(f"无法写入缓存文件 {cache}（{exc.strerror or exc}）。请用 --cache 指定一个可以写入的位置。", file=sys.stderr)
        return EXIT_USAGE
    for department, links in groupby(broken_links(repository, results), key=lambda b: b.department):
        group = list(links)
        print(f"{department}（{len(group)} 个链接无法打开）：")
        for link in group:
            print(link.text())
    counts = Counter(r.state for r in results.values())
    summary = (f"共检查 {len(results)} 个网址：{counts['ok']} 个可以打开，{counts['broken']} 个无法打开，"
               f"{counts['retry_later']} 个需要稍后再试（网站限制了访问频率），{counts['skipped']} 个跳过（内网地址或不是 http/https 网址）。")
    if reused:
        summary += f"其中 {reused} 个沿用了 {DEFAULT_MAX_AGE.days} 天内的检查结果。"
    if counts["broken"]:
        summary += "外部链接失效不影响网站发布；请相关部门更新已公开内容的网址。"
    print(summary)
    return EXIT_OK
