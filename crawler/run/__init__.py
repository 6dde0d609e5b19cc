"""One run's control: extensions, fetch decisions, the run lock, summary, history, progress.

Uses the archive and network layers; never the spiders or pipelines above it.
"""
