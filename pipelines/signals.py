"""Signals of the crawl's own, sent through Scrapy's signal manager (``crawler.signals``)."""

# Sent by the run recorder (scraper.extensions.runrecorder) once the crawl's run is known,
# before any item is processed: arguments ``run_id`` and ``source_id`` (None for ad hoc
# fetches). The store pipeline files everything it writes under them.
run_opened = object()
