"""A hostile web on 127.0.0.1: pages, feeds and servers that misbehave, each with the outcome
the archive must end it in. See cases.py for the list, server.py for how it is served."""

from tests.hostile.cases import CASES, Case
from tests.hostile.server import HostileSite, serve_hostile

__all__ = ["CASES", "Case", "HostileSite", "serve_hostile"]
