"""A pickle payload for the hostile-entry tests: unpickling it creates a file."""

from __future__ import annotations

import pickle
from pathlib import Path


class Armed:
    """Unpickling this creates the file ``path``: proof that a payload ran."""

    def __init__(self, path: Path):
        self.path = path

    def __reduce__(self):
        return open, (str(self.path), "w")


def armed_pickle(marker: Path, protocol: int = pickle.HIGHEST_PROTOCOL) -> bytes:
    """A pickled request-like dict that would create ``marker`` if anyone unpickled it."""
    return pickle.dumps({"url": "https://example.com/", "x": Armed(marker)}, protocol=protocol)
