"""Log lines that say which run they belong to: ``source=NAME run=N`` in text, or JSON.

Used by the crawl commands (``archiver crawl``, ``revisit``, ``fetch``) and by the daemon, so
it imports neither Scrapy nor Twisted. Each record gets two attributes from ``RunFields``:
``source`` and ``run_id``, taken from the record itself when its caller gave them
(``extra={"source": ..., "run_id": ...}``; one of them alone leaves the other none), else
from what ``attribute`` makes of it (a crawl attributes a record by the spider or crawler it
carries), else from the process's default (the one run of a single crawl).

Credentials are masked in whatever a line shows: passwords in URLs
(``scheme://user:***@host``), ``password=`` values, and the secrets a process names.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Any, Final
from urllib.parse import unquote, urlsplit

# The choices of --log-format, and the variable that passes the daemon's to its runs (the
# option of the crawl commands reads it too).
FORMATS: Final = ("text", "json")
FORMAT_ENV: Final = "ARCHIVER_LOG_FORMAT"
# The time in text lines, as Scrapy writes it (local time).
DATE_FORMAT: Final = "%Y-%m-%d %H:%M:%S"
MASK: Final = "***"

# scheme://user:password@  (the user part may be empty)
_URL_PASSWORD = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@]*:)[^\s@/]*@")
# password=secret  (a query parameter or a libpq keyword), quoted or not
_KEY_PASSWORD = re.compile(
    r"(?P<head>\bpassword\s*=\s*)(?P<value>'[^']*'|\"[^\"]*\"|[^\s&;,]+)", re.IGNORECASE
)
# Secrets shorter than this are only masked where they stand in a URL or after password=:
# replacing every occurrence of a two-letter password would garble every line.
_MIN_LITERAL = 4


@dataclass(frozen=True)
class RunTag:
    """The run a log line belongs to; None where not known (yet)."""

    source: str | None = None
    run_id: int | None = None


NO_RUN: Final = RunTag()


class RunFields(logging.Filter):
    """Give each record ``source`` and ``run_id`` (see the module's docstring).

    Set on a handler, so that it sees every record the handler writes, whatever its logger.
    ``default`` may change while the process runs: a crawl command knows its run's id only
    once it made the run.
    """

    def __init__(
        self,
        default: RunTag = NO_RUN,
        attribute: Callable[[logging.LogRecord], RunTag | None] | None = None,
    ) -> None:
        super().__init__()
        self.default = default
        self.attribute = attribute

    @contextmanager
    def meanwhile(self, tag: RunTag) -> Iterator[None]:
        """*tag* as the default for what is logged inside the ``with`` block."""
        default, self.default = self.default, tag
        try:
            yield
        finally:
            self.default = default

    def filter(self, record: logging.LogRecord) -> bool:
        given = record.__dict__
        if "source" in given or "run_id" in given:  # the caller said (the other one: none)
            given.setdefault("source", None)
            given.setdefault("run_id", None)
            return True
        tag = (self.attribute(record) if self.attribute else None) or self.default
        given["source"], given["run_id"] = tag.source, tag.run_id
        return True


class Redactor:
    """Masks credentials in text: URL passwords, ``password=`` values and *secrets*."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets = sorted({s for s in secrets if len(s) >= _MIN_LITERAL}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        if "://" in text:
            text = _URL_PASSWORD.sub(rf"\g<head>{MASK}@", text)
        if "password" in text.lower():
            text = _KEY_PASSWORD.sub(rf"\g<head>{MASK}", text)
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return text


def url_secrets(url: str | None) -> list[str]:
    """The password of a database URL, as written in it and decoded (nothing for none)."""
    if not url:
        return []
    try:
        password = urlsplit(url).password
    except ValueError:
        return []
    if not password:
        return []
    return list({password, unquote(password)})


def _field(value: object) -> str:
    """A value as a text line shows it: ``-`` for none, quoted if it has spaces or quotes."""
    if value is None:
        return "-"
    text = str(value)
    if not text or any(c.isspace() or c in "\"'=" for c in text):
        return json.dumps(text)
    return text


class _Formatter(logging.Formatter):
    def __init__(self, redact: Redactor) -> None:
        super().__init__(datefmt=DATE_FORMAT)
        self.redact = redact

    def _exception(self, record: logging.LogRecord) -> str | None:
        """The record's traceback and stack, if it has any (cached as logging does)."""
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        parts = [record.exc_text] if record.exc_text else []
        if record.stack_info:
            parts.append(self.formatStack(record.stack_info))
        return self.redact("\n".join(parts)) if parts else None


class TextFormatter(_Formatter):
    """``TIME source=NAME run=N [LOGGER] LEVEL: MESSAGE``: Scrapy's line with the run's fields
    before the logger. A message or traceback of several lines carries them on every line:
    the lines after the first begin with ``    source=NAME run=N | ``."""

    def format(self, record: logging.LogRecord) -> str:
        fields = (
            f"source={_field(getattr(record, 'source', None))} "
            f"run={_field(getattr(record, 'run_id', None))}"
        )
        text = self.redact(record.getMessage())
        exception = self._exception(record)
        if exception:
            text = f"{text}\n{exception}"
        first, *rest = text.split("\n")
        lines = [
            f"{self.formatTime(record, self.datefmt)} {fields} "
            f"[{record.name}] {record.levelname}: {first}",
            *(f"    {fields} | {line}" for line in rest),
        ]
        return "\n".join(lines)


class JsonFormatter(_Formatter):
    """One JSON object per record, on one line: ``time`` (ISO 8601, UTC), ``level``,
    ``logger``, ``message``, ``source``, ``run_id`` (null when none), and ``exc_info`` (the
    traceback's text) when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": self.redact(record.getMessage()),
            "source": getattr(record, "source", None),
            "run_id": getattr(record, "run_id", None),
        }
        exception = self._exception(record)
        if exception:
            line["exc_info"] = exception
        # ASCII: a log file or terminal in any encoding still holds valid JSON.
        return json.dumps(line, default=str)


def formatter(log_format: str, secrets: Iterable[str] = ()) -> logging.Formatter:
    redact = Redactor(secrets)
    if log_format == "json":
        return JsonFormatter(redact)
    if log_format == "text":
        return TextFormatter(redact)
    raise ValueError(f"unknown log format {log_format!r} (one of {', '.join(FORMATS)})")


def log_handler(
    stream: IO[str] | None,
    log_format: str,
    *,
    secrets: Iterable[str] = (),
    fields: RunFields | None = None,
) -> logging.Handler:
    """A handler writing *stream* (stderr when None) in *log_format*, every line with its
    run's fields (from *fields*, or a ``RunFields()`` of its own)."""
    handler = logging.StreamHandler(stream)
    return dress(handler, log_format, secrets=secrets, fields=fields)


def dress(
    handler: logging.Handler,
    log_format: str,
    *,
    secrets: Iterable[str] = (),
    fields: RunFields | None = None,
) -> logging.Handler:
    """*handler*, writing in *log_format* with each line's run fields."""
    handler.setFormatter(formatter(log_format, secrets))
    handler.addFilter(fields if fields is not None else RunFields())
    return handler
