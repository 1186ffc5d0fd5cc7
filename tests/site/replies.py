"""HTTP answers as plain data, before they go on the wire."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

HTML = "text/html; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
XML = "application/xml; charset=utf-8"
GZIP = "application/gzip"
TEXT = "text/plain; charset=utf-8"
JSON = "application/json"


@dataclass(frozen=True)
class Reply:
    """One answer. `body` is the full representation even for 304 and HEAD answers, which
    send only the headers; it is what the ETag is computed from."""

    status: int
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)
    compressible: bool = False
    etag: str | None = None
    last_modified: datetime | None = None

    @property
    def text(self) -> str:
        """The body decoded as UTF-8 (for HTML, XML and JSON answers)."""
        return self.body.decode("utf-8")


def json_reply(data: Any, status: int = 200) -> Reply:
    """A JSON answer, as the control API gives."""
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
    return Reply(status, body + b"\n", JSON)
