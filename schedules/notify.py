"""Sending the outbox (storage.notices): to webhooks as JSON, to people through Apprise.

Notices are sent after the transaction that wrote them, by the daemon (a few seconds after
each run, and every ``NOTIFY_EVERY``) or by ``archiver notify --flush``; never by a crawl, so
a slow or dead receiver never slows or stops one. Each target gets its notices in order;
one that fails is tried again later with a growing backoff, and the ones after it wait, so
a receiver that was down gets everything, in order, once it is back. A notice is marked sent
right after its receiver took it: a sender killed in between (a few milliseconds) sends it
again, so webhook bodies carry the notice's ``id`` for receivers that must never see one
twice.

A target's address may hold a secret (a token, a password): it is never logged or printed;
targets are named by their kind and host (``webhook hooks.example.org``) and known to the
archive by a digest of their address.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from storage import notices
from storage.models import utcnow

logger = logging.getLogger(__name__)

# How long one send may take before it counts as failed.
SEND_TIMEOUT = 10.0
# Backoff after a failed send: doubling from the first, up to the last.
FIRST_BACKOFF = timedelta(seconds=5)
MAX_BACKOFF = timedelta(hours=1)
# A target's address read from the environment: ``webhook = "env:ARCHIVER_HOOK"``.
ENV_PREFIX = "env:"


class NotifyError(Exception):
    """One send failed; the message names the target, never its address."""


@dataclass(frozen=True)
class Target:
    """One ``[[notify]]`` entry: a webhook or an Apprise URL, the events it wants, and the
    sources it wants them of (None: every source)."""

    kind: str  # "webhook" or "apprise"
    address: str
    events: tuple[str, ...] = notices.EVENTS
    sources: tuple[str, ...] | None = None

    @property
    def digest(self) -> str:
        """How the archive knows this target, without keeping its address."""
        return hashlib.sha256(f"{self.kind} {self.address}".encode()).hexdigest()

    @property
    def label(self) -> str:
        """The target as logs and the command line name it: kind and host, no secret."""
        if self.address.startswith(ENV_PREFIX):
            return f"{self.kind} ${self.address.removeprefix(ENV_PREFIX)}"
        parts = urlsplit(self.address)
        host = parts.hostname or ""
        scheme = parts.scheme if self.kind == "apprise" else ""
        where = f"{scheme}://{host}" if scheme else host
        return f"{self.kind} {where}".strip()

    def resolved(self) -> str:
        """The address, read from the environment when it says ``env:NAME``."""
        if not self.address.startswith(ENV_PREFIX):
            return self.address
        name = self.address.removeprefix(ENV_PREFIX)
        value = os.environ.get(name)
        if not value:
            raise NotifyError(f"{self.kind} target: ${name} is not set")
        return value


def _send_webhook(address: str, body: dict[str, Any], label: str) -> None:
    if urlsplit(address).scheme not in ("http", "https"):  # from $NAME, not checked before
        raise NotifyError(f"{label}: a webhook must be an http:// or https:// URL")
    request = urllib.request.Request(  # noqa: S310  (the scheme is checked above)
        address,
        data=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json", "User-Agent": "archiver-notify"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=SEND_TIMEOUT) as reply:  # noqa: S310
            reply.read(65536)
    except urllib.error.HTTPError as exc:
        raise NotifyError(f"{label} answered HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise NotifyError(f"{label} could not be reached: {type(reason).__name__}") from None


def _send_apprise(address: str, body: dict[str, Any], label: str) -> None:
    import apprise  # noqa: PLC0415  (imports its many plugins: only when there is a message)

    # Apprise logs the URLs it sends to: its own log stays quiet, ours names the target.
    logging.getLogger("apprise").setLevel(logging.CRITICAL)
    sender = apprise.Apprise()
    if not sender.add(address):
        raise NotifyError(f"{label}: Apprise does not know this URL")
    message = body["summary"]
    if body.get("diff"):
        message += "\n\n" + body["diff"]
    if body.get("url"):
        message += "\n\n" + body["url"]
    if not sender.notify(title=f"archiver: {body['event']}", body=message):
        raise NotifyError(f"{label}: Apprise could not send the message")


def send(target: Target, body: dict[str, Any]) -> None:
    """Send one notice body to *target*; NotifyError when it did not arrive."""
    address = target.resolved()
    if target.kind == "webhook":
        _send_webhook(address, body, target.label)
    else:
        _send_apprise(address, body, target.label)


def backoff(attempts: int) -> timedelta:
    """The wait before try number *attempts* + 1."""
    doubled: timedelta = FIRST_BACKOFF * 2 ** max(0, attempts - 1)
    return min(MAX_BACKOFF, doubled)


@dataclass
class Report:
    sent: int = 0
    failed: int = 0
    waiting: int = 0


Sessions = Callable[[], AbstractContextManager[Session]]


def register(session: Session, targets: Iterable[Target]) -> None:
    """Make the archive know *targets*: from now on each gets the notices it wants."""
    notices.register_targets(session, [t.digest for t in targets])


def flush(sessions: Sessions, targets: Iterable[Target], *, batch: int = 100) -> Report:
    """Send every notice due to each target, in order; stop a target at its first failure."""
    report = Report()
    for target in targets:
        while True:
            with sessions() as session:
                due = notices.pending(
                    session,
                    target.digest,
                    events=target.events,
                    sources=target.sources,
                    now=utcnow(),
                    limit=batch,
                )
            for notice in due:
                try:
                    send(target, notice.body)
                except NotifyError as exc:
                    wait = backoff(notice.attempts + 1)
                    logger.warning(
                        "notice %d (%s) not sent: %s; trying again in %s",
                        notice.id,
                        notice.event,
                        exc,
                        wait,
                    )
                    with sessions() as session:
                        notices.mark_failed(
                            session, notice.id, target.digest, str(exc), backoff=wait
                        )
                    report.failed += 1
                    break
                with sessions() as session:
                    notices.mark_sent(session, notice.id, target.digest)
                report.sent += 1
            else:
                if len(due) == batch:
                    continue
            break
        with sessions() as session:
            report.waiting += notices.backlog(
                session, target.digest, events=target.events, sources=target.sources
            )
    return report
