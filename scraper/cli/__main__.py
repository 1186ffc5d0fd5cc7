"""``python -m scraper.cli``: the command line, as the daemon starts its runs."""

from scraper.cli import main

main()
