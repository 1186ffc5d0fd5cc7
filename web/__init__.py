"""The archive's read-only web viewer (``archiver serve``): recent changes, search, sources,
articles, their versions and diffs, raw snapshots, Atom feeds and a JSON API.

It imports storage and nothing of Scrapy: the viewer runs beside crawls, never as one.
"""
