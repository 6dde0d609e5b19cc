"""A small threaded HTTP server imitating the sources, in the FINEWS_REPLAY_URL layout.

Request ``/HOST[:PORT]/PATH?QUERY`` is answered as the real ``HOST`` would answer
``/PATH?QUERY``, from a dataset dict:

``kuaixun``  list of rolling-news rows, newest first (paged by size/page in the URL)
``fastnews`` getFastNewsList rows, newest first (paged by sortEnd = a row's realSort); without
             it the list serves the ``kuaixun`` rows in its own shape. The rows go under
             ``data.fastNewsList``, or under ``fastnews_key`` (``"list"``: older answers)
``columns``  ``{column: [rows]}`` for getNewsByColumns (a comma list merges columns)
``market``   ``{marketType: [records]}`` for the newmarket web API
``textapi``  ``{info code: JSON object}`` for GetNewsText.do
``pages``    ``{"HOST/PATH": html}`` article pages; anything else is a 404
``files``    generic sources' files as JSON (crawler.replay.sites.files_from_json), served
             as ``files`` below, with their own dates (never rebased)

``files`` (``{"HOST/PATH[?QUERY]": SiteFile}``, crawler.replay.sites) are the generic sources'
feeds, sitemaps, robots.txt and pages, served with ETag and Last-Modified: a conditional GET
that matches gets 304 (counted as ``not_modified``). ``sites=True`` adds the bundled demo's.

With ``faults`` (crawler.replay.faults.Faults) some answers are 5xx, slow, truncated, an
HTML error page with status 200 or a list with ``rc≠1``/``code≠"1"``, and some lists come as
JSONP or without the JS wrapper's ``;``; ``faults`` in the counters says how many of each
were served.

With ``dead`` (``{endpoint: how}``, crawler.replay.faults.dead_endpoints) an endpoint
(fastnews, kuaixun, columns, market, textapi, article) answers only a 404, another status, an
HTML page with status 200 (``html``) or a list error (``code``): a source that is gone.

With ``hold_after=K`` the first K article-page and text-API requests are answered and
every later one is held (not answered) until ``release()``: a crawl then stops after
exactly K bodies, so a test can interrupt it at a known point. ``held`` (an attribute,
and in the counters) says how many requests are waiting.

``/_replay/counts`` answers the counters as JSON (``?paths=1`` adds ``served``: every
request's kind and path, in order) and ``/_replay/reset`` zeroes them: a benchmark running the replay in another process
reads from the server side how many requests of each kind a crawl made, and how fast and
how many at once it sent to each host.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from crawler.replay import faults as F
from crawler.replay.dataset import fastnews_rows, newest_day, rebase
from crawler.replay.sites import SiteFile, demo_sites, files_from_json

_KUAIXUN = re.compile(r"^/kuaixun/v1/getlist_(?P<column>\d+)_ajaxResult_(?P<size>\d+)_(?P<page>\d+)_\.html$")
DEFAULT_DATASET = Path(__file__).with_name("data") / "demo.json"
FASTNEWS = "/comm/web/getFastNewsList"
COLUMNS = "/comm/web/getNewsByColumns"
CONTROL = "/_replay/"
NOT_FOUND = "<html><body>404 Not Found</body></html>"
HOLD_KINDS = frozenset({"article", "textapi"})  # what hold_after counts and holds


def peak_rate(times: list[float], window: float = 1.0) -> int:
    """Most requests that arrived within any ``window`` seconds (times in arrival order)."""
    peak, first = 0, 0
    for last, t in enumerate(times):
        while t - times[first] >= window:
            first += 1
        peak = max(peak, last - first + 1)
    return peak


def endpoint(path: str) -> str:
    """Which source endpoint a path is (crawler.replay.faults.ENDPOINTS)."""
    if _KUAIXUN.match(path):
        return "kuaixun"
    return {FASTNEWS: "fastnews", COLUMNS: "columns", "/information/newmarket/web/webapi": "market",
            "/NewsData/GetNewsText.do": "textapi"}.get(path, "article")


def load_dataset(path: str | Path = DEFAULT_DATASET) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


class Reply:
    """One answer: status, content type and body bytes; ``delay`` seconds before it is sent,
    and ``cut``: only half the body is sent (under the full Content-Length), then the
    connection closes; ``headers``: more headers to send (ETag, Last-Modified)."""

    __slots__ = ("status", "ctype", "body", "delay", "cut", "headers")

    def __init__(self, status: int, ctype: str, body: str | bytes):
        self.status = status
        self.ctype = ctype
        self.body = body.encode("utf-8") if isinstance(body, str) else body
        self.delay = 0.0
        self.cut = False
        self.headers: dict[str, str] = {}


def _page(rows: list, size: int, page: int) -> list:
    start = (max(page, 1) - 1) * size
    return rows[start : start + size]


class Replay:
    """The routing and the counters, independent of the HTTP plumbing (easy to test)."""

    def __init__(self, dataset: dict[str, Any], latency: float = 0.0, faults: F.Faults | None = None,
                 hold_after: int | None = None, dead: dict[str, str] | None = None,
                 files: dict[str, SiteFile] | None = None):
        self.dataset = dataset
        self.files = files or {}
        self.latency = latency
        self.faults = faults or F.Faults()
        self.dead = dead or {}
        self._fastnews: tuple[list[dict], dict[str, int]] | None = None
        self.hold_after = hold_after
        self._released = threading.Event()
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.counts: Counter[str] = Counter()
            self.paths: Counter[str] = Counter()
            self.served: list[tuple[str, str]] = []
            self.arrivals: defaultdict[str, list[float]] = defaultdict(list)
            self.inflight: Counter[str] = Counter()
            self.peak_inflight: Counter[str] = Counter()
            self.last_answer: dict[str, float] = {}
            self.faults_served: Counter[str] = Counter()
            self.attempts: Counter[str] = Counter()
            self.failures: Counter[str] = Counter()
            self.bodies_let_through = 0
            self.held = 0

    def count(self, kind: str, path: str) -> None:
        with self._lock:
            self.counts[kind] += 1
            self.paths[path] += 1
            self.served.append((kind, path))

    def enter(self, raw_path: str) -> str:
        """A request for ``/HOST/…`` arrived: note when, and how many are open on HOST."""
        host = raw_path.lstrip("/").partition("/")[0]
        with self._lock:
            self.arrivals[host].append(time.monotonic())
            self.inflight[host] += 1
            self.peak_inflight[host] = max(self.peak_inflight[host], self.inflight[host])
        return host

    def leave(self, host: str) -> None:
        with self._lock:
            self.inflight[host] -= 1
            self.last_answer[host] = time.monotonic()

    def report(self, with_paths: bool = False) -> dict[str, Any]:
        """The counters as plain data: per kind, per host (requests, peak/s, peak open, when
        its first request arrived and its last answer started going out), and faults served
        by kind when faults are on."""
        with self._lock:
            hosts = {
                host: {
                    "requests": len(times),
                    "peak_rate": peak_rate(times),
                    "peak_inflight": self.peak_inflight[host],
                    # the replay's own clock (time.monotonic): only differences mean anything
                    "first_arrival": times[0],
                    "last_answer": self.last_answer.get(host, times[-1]),
                }
                for host, times in self.arrivals.items()
            }
            data: dict[str, Any] = {"counts": dict(self.counts), "hosts": hosts}
            if self.faults.active:
                data["faults"] = dict(self.faults_served)
            if self.hold_after is not None:
                data["held"] = self.held
            if with_paths:
                data["served"] = list(self.served)
        return data

    def control(self, raw_path: str) -> Reply:
        """``/_replay/counts[?paths=1]`` and ``/_replay/reset``; never counted themselves."""
        parts = urlsplit(raw_path)
        if parts.path == CONTROL + "reset":
            self.reset()
            return Reply(200, "application/json", "{}")
        if parts.path == CONTROL + "counts":
            report = self.report(with_paths="paths=1" in parts.query)
            return Reply(200, "application/json", json.dumps(report))
        return Reply(404, "application/json", "{}")

    def answer(self, raw_path: str, headers: Any = None) -> Reply:
        """The answer to ``raw_path``; ``headers``: the request's (conditional GET of ``files``)."""
        parts = urlsplit(raw_path)
        host, _, path = parts.path.lstrip("/").partition("/")
        path = "/" + path
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        found = self.site_file(host + path + (f"?{parts.query}" if parts.query else ""), headers or {})
        kind, reply = found if found is not None else self.route(host, path, query)
        how = self.dead.get(endpoint(path)) if found is None else None
        if how is not None:
            self.count(kind, raw_path)
            return _dead(how, path)
        if kind in HOLD_KINDS and self.hold_after is not None:
            self.wait_turn()
        if self.faults.active:
            key = F.fault_key(raw_path)
            if kind == "list" and self.faults.variant(key):
                reply.body = _variant(path, reply.body)
            reply = self.inject(key, kind, path, reply)
        self.count(kind, raw_path)
        return reply

    def wait_turn(self) -> None:
        """Let the first ``hold_after`` body requests through; block later ones until release()."""
        with self._lock:
            if self._released.is_set() or self.bodies_let_through < self.hold_after:
                self.bodies_let_through += 1
                return
            self.held += 1
        self._released.wait()
        with self._lock:
            self.held -= 1

    def release(self) -> None:
        """Answer every held request, and every later one, as usual."""
        self._released.set()

    def inject(self, key: str, kind: str, path: str, reply: Reply) -> Reply:
        """The fault (if any) this answer of ``key`` gets instead of ``reply``; counted."""
        with self._lock:
            attempt = self.attempts[key]
            self.attempts[key] += 1
            fault = self.faults.decide(key, attempt, self.failures[key], kind == "list")
            if fault is None:
                return reply
            self.failures[key] += 1
            self.faults_served[fault] += 1
        if fault == F.ERROR:
            status = F.ERROR_STATUSES[int(F.unit(self.faults.seed, key, attempt, "status") * 4)]
            return Reply(status, "text/html", F.ERROR_PAGE)
        if fault == F.HTML_ERROR:
            return Reply(200, "text/html; charset=utf-8", F.ERROR_PAGE)
        if fault == F.RC_ERROR:
            return Reply(200, reply.ctype, _list_error(path))
        if fault == F.TRUNCATE:
            reply.cut = True
        else:
            reply.delay = self.faults.slow_seconds
        return reply

    def route(self, host: str, path: str, query: dict[str, str]) -> tuple[str, Reply]:
        d = self.dataset
        m = _KUAIXUN.match(path)
        if m:
            rows = _page(d.get("kuaixun", []), int(m["size"]), int(m["page"]))
            body = json.dumps({"rc": 1, "me": "", "LivesList": rows}, ensure_ascii=False)
            return "list", Reply(200, "application/javascript", f"var ajaxResult={body};")
        if path == FASTNEWS:
            rows, position = self.fastnews()
            cursor = query.get("sortEnd", "")  # the rows after it; an unknown one has none
            start = position.get(cursor, len(rows) - 1) + 1 if cursor else 0
            rows = rows[start : start + int(query.get("pageSize", 20))]
            key, end = d.get("fastnews_key", "fastNewsList"), rows[-1]["realSort"] if rows else ""
            body = json.dumps({"code": "1", "message": "success", "data": {key: rows, "sortEnd": end}},
                              ensure_ascii=False)
            return "list", Reply(200, "application/json", body)
        if path == COLUMNS:
            columns = d.get("columns", {})
            rows = [r for c in query.get("column", "").split(",") for r in columns.get(c, [])]
            rows.sort(key=lambda r: r.get("showTime", ""), reverse=True)
            rows = _page(rows, int(query.get("page_size", 20)), int(query.get("page_index", 1)))
            body = json.dumps(
                {"code": "1", "message": "success", "data": {"list": rows}}, ensure_ascii=False
            )
            callback = query.get("callback")
            if callback:
                body = f"{callback}({body})"
            return "list", Reply(200, "application/json", body)
        if path == "/information/newmarket/web/webapi":
            records = d.get("market", {}).get(query.get("marketType", ""), [])
            records = records[: int(query.get("count", 100))]
            body = json.dumps({"record": records}, ensure_ascii=False)
            return "list", Reply(200, "application/json", body)
        if path == "/NewsData/GetNewsText.do":
            found = d.get("textapi", {}).get(query.get("id", ""))
            body = json.dumps(found if found is not None else {"text": ""}, ensure_ascii=False)
            return "textapi", Reply(200, "application/json", body)
        html = d.get("pages", {}).get(host + path)
        if html is None:
            return "article", Reply(404, "text/html", NOT_FOUND)
        return "article", Reply(200, "text/html; charset=utf-8", html)

    def site_file(self, key: str, headers: Any) -> tuple[str, Reply] | None:
        """A generic source's file, or 304 when the request's validators still match it; a
        robots.txt no site file names is a 404. None: not a site file."""
        found = self.files.get(key)
        if found is None:
            return ("robots", Reply(404, "text/plain", "")) if key.endswith("/robots.txt") else None
        if found.not_modified(headers.get("If-None-Match"), headers.get("If-Modified-Since")):
            kind, reply = "not_modified", Reply(304, found.ctype, b"")
        else:
            kind, reply = found.kind, Reply(200, found.ctype, found.body)
        reply.headers = {"ETag": found.etag, "Last-Modified": found.last_modified}
        return kind, reply

    def fastnews(self) -> tuple[list[dict], dict[str, int]]:
        """The fast-news rows, and each ``realSort``'s position (worked out once: lists are
        asked for page after page)."""
        if self._fastnews is None:
            d = self.dataset
            rows = d["fastnews"] if "fastnews" in d else fastnews_rows(d.get("kuaixun", []))
            self._fastnews = rows, {str(r.get("realSort", "")): i for i, r in reversed(list(enumerate(rows)))}
        return self._fastnews


JSONP_CALLBACK = "jQuery1124_1763600000000"


def _variant(path: str, body: bytes) -> bytes:
    """A list answer in its other valid shape: rolling news without the JS wrapper's ``;``,
    media JSON as JSONP (as if asked with ``callback=``)."""
    if _KUAIXUN.match(path):
        return body.rstrip().rstrip(b";") + b"\n"
    if path in (COLUMNS, FASTNEWS) and body.startswith(b"{"):
        return JSONP_CALLBACK.encode() + b"(" + body + b");"
    return body


def _list_error(path: str) -> str:
    """A list endpoint's "not now" answer: ``rc`` 0, ``code`` "0", or no ``record``."""
    if _KUAIXUN.match(path):
        return 'var ajaxResult={"rc":0,"me":"系统繁忙","LivesList":[]};'
    if path in (COLUMNS, FASTNEWS):
        return '{"code":"0","message":"系统繁忙","data":null}'
    return '{"message":"系统繁忙"}'


def _dead(how: str, path: str) -> Reply:
    """What a dead endpoint answers (crawler.replay.faults.dead_endpoints)."""
    if how == F.DEAD_HTML:
        return Reply(200, "text/html; charset=utf-8", F.ERROR_PAGE)
    if how == F.DEAD_CODE:
        return Reply(200, "application/json", _list_error(path))
    return Reply(int(how), "text/html", NOT_FOUND if how == "404" else F.ERROR_PAGE)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: with Nagle on, a kept-alive connection waits
    # for the client's delayed ACK (~40 ms) between them, on top of any simulated latency.
    disable_nagle_algorithm = True
    server: "_HTTPServer"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        replay = self.server.replay
        if self.path.startswith(CONTROL):
            self.send(replay.control(self.path))
            return
        host = replay.enter(self.path)
        try:
            if replay.latency:
                time.sleep(replay.latency)
            reply = replay.answer(self.path, self.headers)
            if reply.delay:
                time.sleep(reply.delay)
        finally:
            # Open until the answer starts going out: the client can only send its next
            # request after reading this one, so counting the write too would let this
            # thread's late bookkeeping overlap the next request and over-count.
            replay.leave(host)
        try:
            self.send(reply)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
            self.close_connection = True

    def send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.ctype)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if reply.cut:
            self.wfile.write(reply.body[: len(reply.body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    replay: Replay


class ReplayServer:
    """The replay on 127.0.0.1 in a background thread: ``with ReplayServer(data) as s: s.url``."""

    def __init__(self, dataset: dict[str, Any], port: int = 0, latency: float = 0.0,
                 rebase_to: date | None = None, faults: F.Faults | None = None,
                 hold_after: int | None = None, dead: Iterable[str] = (),
                 files: dict[str, SiteFile] | None = None, sites: bool = False):
        """``dead``: endpoints to kill, as ``KIND[:HOW]`` (crawler.replay.faults.dead_endpoints);
        ``files``: generic sources' files; ``sites``: the demo's too, dated on the newest list day."""
        if rebase_to is not None:  # list times moved by whole days to end the day before (demo)
            dataset = rebase(dataset, rebase_to)
        files = {**files_from_json(dataset.get("files", {})), **(files or {})}
        if sites:
            files.update(demo_sites(newest_day(dataset) or date.today()))
        self.replay = Replay(dataset, latency=latency, faults=faults, hold_after=hold_after,
                             dead=F.dead_endpoints(dead), files=files)
        self.httpd = _HTTPServer(("127.0.0.1", port), _Handler)
        self.httpd.replay = self.replay
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    @property
    def counts(self) -> Counter[str]:
        return self.replay.counts

    @property
    def faults(self) -> Counter[str]:
        """Faults served so far, by kind (crawler.replay.faults)."""
        return self.replay.faults_served

    def start(self) -> "ReplayServer":
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.replay.release()  # no handler thread is left waiting
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> "ReplayServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
