"""Distributed mode (docs/scale-out.md): Redis connection, JSON request codec, leased queue."""
