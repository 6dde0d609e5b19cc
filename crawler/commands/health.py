"""``scrapy health``: the last runs per feed, a sparkline of new articles, current incidents.

Reads only ``.finews/runs.jsonl`` and ``.finews/health.json``. Exits 3 while any feed is
failing, so it serves as a check command (monitoring, a systemd ExecStartPost, CI).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from scrapy.commands import ScrapyCommand

from crawler.run.arguments import fail_usage
from crawler.run.health import EXIT_FAILING, ONE_OFF, HealthState
from crawler.run.history import read_runs

SPARKS = "▁▂▃▄▅▆▇█"
COLUMNS = ("time", "listed", "new", "dropped", "errors", "verdict")


def sparkline(values: list[int]) -> str:
    """One block character per run, its height the run's share of the busiest run."""
    top = max(values, default=0)
    if not top:
        return SPARKS[0] * len(values)
    return "".join(SPARKS[round(v / top * (len(SPARKS) - 1))] for v in values)


def per_feed(runs: list[dict[str, Any]], last: int) -> dict[str, list[dict[str, Any]]]:
    """The last ``last`` runs of each feed, oldest first (one-off ``share`` runs left out)."""
    feeds: dict[str, list[dict[str, Any]]] = {}
    for run in runs:
        for s in run.get("feeds", []):
            if s.get("feed") and s["feed"] != ONE_OFF:
                feeds.setdefault(s["feed"], []).append({
                    "time": run.get("finished", ""), "listed": s.get("listed", 0), "new": s.get("new", 0),
                    "dropped": s.get("dropped", 0), "errors": s.get("errors", 0),
                    "verdict": s.get("verdict", ""), "reasons": s.get("reasons", []),
                })
    return {feed: rows[-last:] for feed, rows in sorted(feeds.items())}


def render(report: dict[str, Any]) -> str:
    lines = []
    for feed, rows in report["feeds"].items():
        lines.append(f"{feed}  new per run: {sparkline([r['new'] for r in rows])}")
        lines.append("  " + "".join(c.ljust(27 if c == "time" else 9) for c in COLUMNS))
        for r in rows:
            lines.append("  " + r["time"][:25].ljust(27) + "".join(str(r[c]).ljust(9) for c in COLUMNS[1:]))
    incidents = report["incidents"]
    lines.append("incidents: " + ("none" if not incidents else ""))
    for feed, state in incidents.items():
        lines.append(f"  {feed}: {state['verdict']} since {state.get('since', '?')}: {'; '.join(state.get('reasons', []))}")
    return "\n".join(lines)


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[--last N] [--json]"

    def short_desc(self) -> str:
        return "Show the recent runs per feed and current incidents; exit 3 while a feed fails"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--last", type=int, default=10, metavar="N", help="runs per feed (default 10)")
        parser.add_argument("--json", action="store_true", help="print the same as JSON, for machines")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if args:
            fail_usage("health", "health takes no arguments; expected --last N and --json")
        if opts.last < 1:
            fail_usage("health", f"--last {opts.last}: expected at least 1")
        root = self.settings.get("FINEWS_OUTPUT_DIR")
        state = HealthState(root)
        report = {
            "feeds": per_feed(read_runs(root), opts.last),
            "incidents": {f: s for f, s in state.feeds().items() if s.get("verdict") != "healthy"},
            "failing": state.failing,
        }
        print(json.dumps(report, ensure_ascii=False, indent=1) if opts.json else render(report))
        if report["failing"]:
            self.exitcode = EXIT_FAILING
