"""The network layer: the per-host gate, download middlewares, run profiles, failures.

Imports nothing else of finews.
"""
