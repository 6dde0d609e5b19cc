"""Which list rows need their body fetched: the incremental crawl's one decision.

Pure: the archive index's entry for the row's id, the row, and the run's clock in; a
verdict with a reason (counted in the stats) out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from crawler.archive.dates import parse_published
from crawler.archive.index import Drop, Entry
from crawler.archive.items import Article


@dataclass(frozen=True)
class Verdict:
    fetch: bool
    reason: str  # fetch: new, changed, refresh, recheck, drop_expired; skip: known, retired, dropped_before


@dataclass(frozen=True)
class Policy:
    now: datetime
    refresh: bool = False
    recheck_hours: float = 0.0
    recheck_minutes: float = 30.0
    drop_retry_hours: float = 24.0

    def due_for_recheck(self, entry: Entry) -> bool:
        """A digest-only post young enough that its article page may still appear."""
        if entry.body_from != "digest":
            return False
        published = parse_published(entry.published, str(self.now.tzinfo))
        if published is None or self.now - published > timedelta(hours=self.recheck_hours):
            return False
        if not entry.checked:
            return True
        checked = datetime.fromisoformat(entry.checked)
        return self.now - checked >= timedelta(minutes=self.recheck_minutes)


def verdict(entry: Entry | None, item: Article, policy: Policy, drop: Drop | None = None) -> Verdict:
    """Fetch a row unless the archive already holds it as listed; never revive a retired id.

    A row dropped after its body was fetched (``drop``) is not fetched again while it stays
    the same, until ``drop_retry_hours`` have passed; a changed row is fetched at once.
    """
    if entry is not None and entry.retired:
        return Verdict(False, "retired")
    if policy.refresh:
        return Verdict(True, "refresh")
    if drop is not None and drop.row_sig == item.row_sig:
        age = policy.now - datetime.fromisoformat(drop.dropped)
        if age < timedelta(hours=policy.drop_retry_hours):
            return Verdict(False, "dropped_before")
        if entry is None:
            return Verdict(True, "drop_expired")
    if entry is None:
        return Verdict(True, "new")
    if entry.row_sig and entry.row_sig != item.row_sig:
        return Verdict(True, "changed")
    if policy.due_for_recheck(entry):
        return Verdict(True, "recheck")
    return Verdict(False, "known")
