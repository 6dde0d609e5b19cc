"""Test helpers: the archive samples, a loopback replay, and running a real crawl."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import frontmatter

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Public archive data (posts, category pages, the names table) copied from the finews
# archive; scripts/sync-fixtures refreshes it from a reference shelf when one is at hand.
SAMPLES = FIXTURES / "archive-samples"


def copy_site_skeleton(dest: Path) -> Path:
    """The tracked files of ``output/`` (the Jekyll skeleton) copied to ``dest``: never the
    posts, index or categories a crawl may have left in the working tree."""
    tracked = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z", "output"], capture_output=True,
                             check=True).stdout.decode().split("\0")
    for name in filter(None, tracked):
        target = dest / Path(name).relative_to("output")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    return dest


def checkout_files(*paths: str) -> list[str]:
    """The files a fresh clone would hold (tracked or new, not ignored) under ``paths``,
    relative to ROOT."""
    out = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-co", "--exclude-standard", "-z", *paths],
                         capture_output=True, check=True).stdout.decode()
    return [name for name in out.split("\0") if name and (ROOT / name).is_file()]


def replay_get(server, path: str, timeout: float = 5) -> tuple[int, bytes]:
    """One GET straight to a replay server (no crawler): status and body."""
    conn = http.client.HTTPConnection("127.0.0.1", server.httpd.server_address[1], timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def fixture_text(*parts: str) -> str:
    return FIXTURES.joinpath(*parts).read_text(encoding="utf-8")


@dataclass
class Sample:
    """One archive sample post, split into what a source would have said."""

    path: Path
    data: bytes
    title: str
    date: str  # "YYYY-MM-DD HH:MM:SS"
    body: str  # between the front matter and the <link> line
    link: str

    @property
    def post_id(self) -> str:
        return self.path.name[len("YYYY-MM-DD-") : -len(".md")]


def load_sample(path: Path) -> Sample:
    data = path.read_bytes()
    text = data.decode("utf-8")
    post = frontmatter.loads(text)
    _, _, rest = text.partition("\n---\n")
    body, _, tail = rest.rpartition("\n\n<")
    link = tail.split(">", 1)[0]
    return Sample(path, data, str(post["title"]), str(post["date"]).replace(" +0800", ""), body, link)


def manifest_rows() -> list[dict[str, str]]:
    lines = (SAMPLES / "posts" / "manifest.tsv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"))) for line in lines[1:]]


# A loopback replay needs no politeness pause: no per-host interval, AutoThrottle starting
# from no delay (from its 0.25 s start it never comes down on the 404s most flashes get:
# Scrapy only lowers it on 200s), and retries backed off a tenth of the default (0.1, 0.2,
# 0.4 s). bench/ measures the default rate cap; tests/spiders/test_faults.py the backoff.
# Settings given to run_crawl/run_crawlall override these.
LOOPBACK = ("-s", "FINEWS_HOST_INTERVAL=0", "-s", "AUTOTHROTTLE_START_DELAY=0",
            "-s", "FINEWS_RETRY_BACKOFF=0.1")


def run_crawl(spider: str, replay_url: str, output: Path, *args: str, settings: dict | None = None,
              check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess:
    """``scrapy crawl SPIDER`` in a subprocess against the replay, writing into ``output``."""
    cmd = [sys.executable, "-m", "scrapy", "crawl", spider, *LOOPBACK,
           "-s", f"FINEWS_REPLAY_URL={replay_url}", "-s", f"FINEWS_OUTPUT_DIR={output}"]
    return _run_scrapy(cmd, args, settings, check, timeout)


def project_settings(**overrides) -> dict:
    """The project's settings module as a dict (for ``get_crawler`` in unit tests)."""
    import crawler.settings as module

    values = {k: getattr(module, k) for k in dir(module) if k.isupper()}
    values.update(overrides)
    return values


def run_crawlall(replay_url: str | None, output: Path, *args: str, settings: dict | None = None,
                 check: bool = True, timeout: float = 300, options: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """``scrapy crawlall`` in a subprocess (against ``replay_url``, or ``--replay`` if None);
    ``options``: more of its command line (``--workers 3``)."""
    cmd = [sys.executable, "-m", "scrapy", "crawlall", *options, *LOOPBACK, "-s", f"FINEWS_OUTPUT_DIR={output}"]
    cmd += ["--replay"] if replay_url is None else ["-s", f"FINEWS_REPLAY_URL={replay_url}"]
    return _run_scrapy(cmd, args, settings, check, timeout)


def _run_scrapy(cmd: list[str], args: tuple[str, ...], settings: dict | None, check: bool,
                timeout: float) -> subprocess.CompletedProcess:
    """Run a scrapy command line with ``-s`` settings and ``-a`` arguments added; fail loudly."""
    for key, value in (settings or {}).items():
        cmd += ["-s", f"{key}={value}"]
    for arg in args:
        cmd += ["-a", arg]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(cmd[3:5])} exited {proc.returncode}:\n{proc.stdout}\n"
                             f"{proc.stderr[-4000:]}")
    return proc


def tree_state(root: Path) -> dict[str, tuple]:
    """Every path under ``root`` with its bytes (files) and mtime: what "unchanged" means."""
    state = {}
    for path in sorted(root.rglob("*")):
        st = path.stat()
        data = path.read_bytes() if path.is_file() else None
        state[str(path.relative_to(root))] = (data, st.st_mtime_ns)
    return state


_STAT_LINE = re.compile(r"^ '(?P<key>[^']+)': (?P<value>\d+),?$", re.M)


def crawl_stats(log: str) -> dict[str, int]:
    """The integer stats a crawl's log dumps, summed over its spiders (crawlall runs several)."""
    total: dict[str, int] = {}
    for dump in log.split("Dumping Scrapy stats:")[1:]:
        for m in _STAT_LINE.finditer(dump.split("\n}", 1)[0]):
            total[m["key"]] = total.get(m["key"], 0) + int(m["value"])
    return total


def find_jekyll() -> str:
    """The jekyll binary; the test skips without one, except in CI (``CI=true``), where it fails."""
    return _find_debian_tool("jekyll")


def find_chromium() -> str:
    """The chromium binary (headless browser of the XSS test); skips or fails like ``find_jekyll``."""
    return _find_debian_tool("chromium")


def _find_debian_tool(name: str) -> str:
    import shutil

    import pytest

    found = shutil.which(name)
    if found:
        return found
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{name} is not installed in CI (scripts/test installs Debian's {name})")
    pytest.skip(f"{name} is not installed")


# What may not be in a page or post body: elements that run or load code, or take input.
RUNNABLE_ELEMENTS = frozenset({"script", "style", "iframe", "frame", "object", "embed", "applet", "form", "input",
                               "button", "meta", "base", "link", "svg", "math", "noscript", "textarea", "template"})
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "data", "srcdoc", "background", "poster",
                            "xlink:href"})
SAFE_SCHEMES = ("http:", "https:", "mailto:", "tel:", "ftp:")


def runnable_markup(root) -> list[str]:
    """What under the lxml element ``root`` could run script in a browser: runnable elements,
    ``on*`` handlers, URLs of other schemes (data: only for images), CSS expressions and URLs."""
    found = []
    for node in root.iter():
        if not isinstance(node.tag, str):  # comments and processing instructions are inert
            continue
        if node.tag.lower() in RUNNABLE_ELEMENTS:
            found.append(f"<{node.tag}>")
        for name, value in node.attrib.items():
            name = name.lower()
            compact = "".join(ch for ch in value if ch > " ").lower()
            if name.startswith("on"):
                found.append(f"{name}=")
            elif name in URL_ATTRIBUTES and ":" in compact.split("/", 1)[0]:
                if not (compact.startswith(SAFE_SCHEMES) or (node.tag == "img" and compact.startswith("data:image/"))):
                    found.append(f"{name}={value[:40]}")
            elif name == "style" and any(s in compact for s in ("expression(", "javascript:", "url(")):
                found.append(f"style={value[:40]}")
    return found



def find_redis_server() -> str:
    """The redis-server binary of the scale-out tests; skips or fails like ``find_jekyll``."""
    return _find_debian_tool("redis-server")


class RedisServer:
    """Debian's redis-server on a free loopback port, its files in ``folder``; ``stop()``
    kills it (as a lost Redis), ``start()`` brings it back on the same port."""

    def __init__(self, folder: Path, password: str = ""):
        import socket

        self.binary = find_redis_server()
        self.folder = folder
        self.password = password
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        auth = f":{self.password}@" if self.password else ""
        return f"redis://{auth}127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        import time

        args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
                "--save", "", "--appendonly", "no", "--protected-mode", "yes"]
        if self.password:
            args += ["--requirepass", self.password]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import redis

        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return self
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError(f"redis-server did not start on port {self.port}") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
