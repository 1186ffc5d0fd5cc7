"""Serve the test news site in the foreground: `python -m tests.site [--port 0] [--generated N]`.

Prints the base URL as the only line on stdout once listening, then serves until SIGINT or
SIGTERM.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from tests.site.server import NewsSite, serve


def main(argv: list[str] | None = None) -> int:
    """Parse the options, serve, and wait for a signal to stop."""
    parser = argparse.ArgumentParser(prog="python -m tests.site", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: any free)")
    parser.add_argument(
        "--generated", type=int, metavar="N", help="serve N synthetic articles, not the corpus"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for --generated")
    args = parser.parse_args(argv)
    site = NewsSite.generated(args.generated, args.seed) if args.generated else NewsSite()
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    with serve(site, args.host, args.port):
        print(site.base_url, flush=True)
        # A timeout keeps the main thread responsive to signals on every platform.
        while not stop.wait(0.5):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
