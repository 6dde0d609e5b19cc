"""finews spiders: each routes requests only; extraction lives in crawler.parsers."""
