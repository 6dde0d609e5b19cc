"""The archive layer: the article item, post files, slugs, the index, retention.

Imports nothing else of finews: everything above writes through it.
"""
