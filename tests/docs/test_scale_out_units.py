"""The systemd units of docs/scale-out.md ("Running on several machines") are valid units."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import sys

from tests.support import ROOT

DOC = ROOT / "docs" / "scale-out.md"
_BLOCK = re.compile(r"```ini\n# /etc/systemd/system/(?P<name>[\w@.-]+)\n(?P<body>.*?)```", re.S)


def units() -> dict[str, str]:
    return {m["name"]: m["body"] for m in _BLOCK.finditer(DOC.read_text(encoding="utf-8"))}


def parsed(body: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=True, interpolation=None)
    parser.optionxform = str
    parser.read_string(body)
    return parser


def test_coordinator_timer_and_worker_units(tmp_path):
    found = units()
    assert sorted(found) == ["finews-coordinator.service", "finews-coordinator.timer", "finews-worker.service"]
    coordinator, timer, worker = (parsed(found[n]) for n in sorted(found))
    assert coordinator["Service"]["Type"] == "oneshot"
    assert "scrapy crawlall --workers 0" in coordinator["Service"]["ExecStart"]
    assert timer["Timer"]["OnCalendar"] == "*:0/5"
    assert "scrapy worker --forever" in worker["Service"]["ExecStart"]
    assert worker["Service"]["KillMode"] == "mixed"  # the worker hands SIGTERM on to its child itself
    for unit in (coordinator, worker):
        assert unit["Service"]["EnvironmentFile"] == "/etc/finews/redis.env"
        assert "FINEWS_REDIS_URL=${FINEWS_REDIS_URL}" in unit["Service"]["ExecStart"]
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        return  # the structural checks above are all this machine can do
    for name, body in found.items():  # verify insists ExecStart's binary exists: this Python
        (tmp_path / name).write_text(body.replace("/opt/finews/.venv/bin/python", sys.executable))
    proc = subprocess.run([analyze, "verify", *(str(tmp_path / n) for n in found)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
