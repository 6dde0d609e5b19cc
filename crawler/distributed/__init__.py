"""Distributed mode (docs/scale-out.md): workers sharing queues, politeness and state in Redis."""
