"""Pure extraction: source bytes/selectors in, plain data out. No Scrapy, no I/O."""


class SourceError(ValueError):
    """A response that is not the data it should be (error page, rc≠1, not JSON, …).

    ``reason`` is a short slug used in stats keys and log lines.
    """

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
