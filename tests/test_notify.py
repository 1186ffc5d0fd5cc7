"""Notifications: the outbox, sent to a real webhook receiver on loopback and through
Apprise's json:// to it, on SQLite and Postgres; in order, once each, whatever goes down."""

from __future__ import annotations

import signal
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from schedules import notify
from storage import Archive, notices
from storage.models import Notice, NoticeDelivery, Version, utcnow
from storage.runs import ensure_source
from tests.crawling import archiver, crawl, sources_file
from tests.daemons import daemon, runs, wait_for
from tests.receiver import Receiver, receiver
from tests.site import NewsSite


def notify_tables(hook: str, *, sources: str = "") -> str:
    wanted = f"\nsources = [{sources}]" if sources else ""
    return (
        f'[[notify]]\nwebhook = "{hook}/hook?token=s3cret"{wanted}\n\n'
        f'[[notify]]\napprise = "json://{hook.removeprefix("http://")}/apprise"\n'
        'events = ["source_failing", "source_degraded", "source_recovered"]\n'
    )


def config_with_notify(tmp_path: Path, site: NewsSite, hook: Receiver, extra: str = "") -> Path:
    config = sources_file(tmp_path / "archiver.toml", site.base_url, extra=extra)
    config.write_text(config.read_text() + notify_tables(hook.url))
    return config


def events(hook: Receiver) -> Counter[str]:
    return Counter(body["event"] for body in hook.bodies("/hook?token=s3cret"))


def titles(hook: Receiver) -> Counter[str]:
    return Counter(body["title"].removeprefix("archiver: ") for body in hook.bodies("/apprise"))


def test_an_edit_is_announced_once_with_its_diff(
    site: NewsSite, db_url: str, tmp_path: Path
) -> None:
    with receiver() as hook:
        config = config_with_notify(tmp_path, site, hook)
        crawl(config, db_url)
        assert archiver("notify", "--flush", config=config, db=db_url).code == 0
        assert hook.received == []  # first versions are not edits; a first run is no news
        edited = site.article_ids()[-1]
        inserted = site.edit_body(edited)
        crawl(config, db_url)
        flushed = archiver("notify", "--flush", "--json", config=config, db=db_url)
        assert flushed.code == 0, flushed.stderr
        assert flushed.json() == {"sent": 1, "failed": 0, "waiting": 0}
        assert archiver("notify", "--flush", config=config, db=db_url).code == 0  # no more
    (body,) = hook.bodies("/hook?token=s3cret")
    assert body["event"] == "version_new"
    assert body["source"] == "riverside"
    assert body["url"] == site.url(edited)
    assert body["version"] == 2
    assert body["changed"] == ["text"]
    assert "{+" in body["diff"]
    assert inserted.split()[0] in body["diff"]
    assert len(body["diff"]) <= notices.MAX_DIFF
    assert set(body) == {
        "id", "event", "source", "at", "url", "version", "changed", "summary", "diff",
        "health", "problems",
    }  # fmt: skip
    assert titles(hook) == Counter()  # the Apprise target wants health events only


def test_an_article_gone_is_announced_once(site: NewsSite, db_url: str, tmp_path: Path) -> None:
    with receiver() as hook:
        config = config_with_notify(tmp_path, site, hook)
        crawl(config, db_url)
        gone = site.article_ids()[-2]
        site.unpublish(gone, status=410)
        for _ in range(2):  # the second finds it gone again: no news
            result = archiver("revisit", "riverside", "--everything", config=config, db=db_url)
            assert result.code == 0, result.stderr[-2000:]
        assert archiver("notify", "--flush", config=config, db=db_url).code == 0
    (body,) = hook.bodies("/hook?token=s3cret")
    assert (body["event"], body["url"]) == ("article_gone", site.url(gone))
    assert "HTTP 410" in body["summary"]


def test_a_receiver_that_is_down_loses_nothing_and_gets_notices_in_order(
    db_url: str, tmp_path: Path
) -> None:
    with receiver() as hook:
        target = notify.Target("webhook", f"{hook.url}/hook")
        with Archive(db_url, write=True) as archive:
            with archive.session() as session:
                notify.register(session, [target])
                source_id = ensure_source(session, "riverside")
                for n in range(3):
                    notices.announce_health(
                        session, source_id, "riverside", notices.SOURCE_FAILING, "failing",
                        [f"problem {n}"], n,
                    )  # fmt: skip
            hook.down = True
            first = notify.flush(archive.session, [target])
            assert (first.sent, first.failed, first.waiting) == (0, 1, 3)
            assert hook.refused == 1  # the first failed: the others wait behind it
            again = notify.flush(archive.session, [target])
            assert (again.sent, again.failed) == (0, 0)  # its backoff is not over yet
            hook.down = False
            with archive.session() as session:  # as if the backoff had run out
                session.execute(update(NoticeDelivery).values(next_attempt_at=utcnow()))
            done = notify.flush(archive.session, [target])
            assert (done.sent, done.failed, done.waiting) == (3, 0, 0)
    assert [b["problems"] for b in hook.bodies("/hook")] == [
        ["problem 0"],
        ["problem 1"],
        ["problem 2"],
    ]


def test_a_target_added_later_gets_no_old_notices(db_url: str) -> None:
    with receiver() as hook, Archive(db_url, write=True) as archive:
        with archive.session() as session:
            source_id = ensure_source(session, "riverside")
            notices.announce_health(
                session, source_id, "riverside", notices.SOURCE_FAILING, "failing", [], 1
            )
        late = notify.Target("webhook", f"{hook.url}/late")
        with archive.session() as session:
            notify.register(session, [late])
        assert notify.flush(archive.session, [late]).sent == 0


def test_notify_test_names_targets_without_their_secrets(
    site: NewsSite, db_url: str, tmp_path: Path
) -> None:
    with receiver() as hook:
        config = config_with_notify(tmp_path, site, hook)
        result = archiver("notify", "--test", config=config, db=db_url)
        assert result.code == 0, result.stderr
        hook.down = True
        refused = archiver("notify", "--test", config=config, db=db_url)
    assert "s3cret" not in result.stdout + result.stderr + refused.stdout + refused.stderr
    assert "webhook 127.0.0.1: sent" in result.stdout
    assert [b["event"] for b in hook.bodies("/hook?token=s3cret")] == ["test"]
    assert titles(hook) == Counter({"test": 1})
    assert refused.code == 1
    assert "answered HTTP 503" in refused.stdout


@pytest.mark.parametrize(
    ("table", "error"),
    [
        ('[[notify]]\nevents = ["version_new"]', "give exactly one of webhook or apprise"),
        ('[[notify]]\nwebhook = "ftp://x"', "must be an http:// or https:// URL"),
        ('[[notify]]\nwebhook = "http://x"\nevents = ["edits"]', "must be a list of events"),
        ('[[notify]]\nwebhook = "http://x"\nsources = ["nope"]', "unknown source 'nope'"),
        ("[health]\nfailing_after = 1.5", "must be a whole number"),
        ("[health]\nthreshold = 1", "unknown key 'threshold'"),
    ],
    ids=["no-target", "scheme", "event", "source", "type", "key"],
)
def test_a_bad_notify_or_health_table_is_one_line(
    site: NewsSite, tmp_path: Path, table: str, error: str
) -> None:
    config = sources_file(tmp_path / "archiver.toml", site.base_url)
    config.write_text(config.read_text() + table + "\n")
    result = archiver("status", config=config, db=f"sqlite:///{tmp_path / 'a.db'}")
    assert result.code == 1
    assert error in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.daemon
def test_the_daemon_announces_each_change_once_across_outages_and_a_kill(
    site: NewsSite, db_url: str, tmp_path: Path
) -> None:
    """Health changes and an edit, each sent exactly once to the webhook and to Apprise,
    though the receiver is down at first and the sending daemon is killed with SIGKILL."""

    def health() -> str:
        data: dict[str, Any] = archiver("status", "--json", config=config, db=db_url).json()
        return str(data["sources"][0]["health"])

    def discoveries() -> int:
        return sum(1 for r in runs(db_url, "riverside") if r.kind == "discover" and r.finished_at)

    def after_next_runs(n: int = 1) -> None:
        done = discoveries()
        wait_for(f"{n} more discovery runs", lambda: discoveries() >= done + n, timeout=90)

    with receiver() as hook:
        hook.down = True
        config = config_with_notify(tmp_path, site, hook, extra='schedule = "every 2s"')
        with daemon(config, db_url, tmp_path / "first.log") as first:
            wait_for("the first run", lambda: health() == "ok", timeout=90)
            edited = site.article_ids()[-1]
            site.edit_body(edited)
            with Archive(db_url) as archive:
                wait_for("the edit", lambda: len(archive.versions(site.url(edited))) == 2)
            site.consent_wall = True
            wait_for("a degraded source", lambda: health() == "degraded", timeout=90)
            wait_for("a send refused", lambda: hook.refused >= 2)
            first.signal(signal.SIGKILL)
            first.wait(timeout=10)
        assert hook.received == []
        hook.down = False
        site.consent_wall = False
        with daemon(config, db_url, tmp_path / "second.log") as second:
            wait_for("the recovery", lambda: health() == "ok", timeout=90)
            site.take_down(503)
            wait_for("a failing source", lambda: health() == "failing", timeout=90)
            site.bring_up()
            wait_for("the second recovery", lambda: health() == "ok", timeout=90)
            after_next_runs()
            wait_for("the notices", lambda: events(hook)["source_recovered"] >= 2)
            second.signal(signal.SIGTERM)
            assert second.wait(timeout=30) == 0
    received = hook.bodies("/hook?token=s3cret")
    health_events = Counter(e for e in events(hook).elements() if e != "version_new")
    assert health_events == Counter(
        {"source_degraded": 1, "source_failing": 1, "source_recovered": 2}
    ), received
    assert titles(hook) == health_events
    # Every notice of the outbox arrived once, in order: the edit, and the new versions the
    # consent wall and its removal made of every story.
    with Archive(db_url) as archive, archive.session() as session:
        outbox = list(session.scalars(select(Notice.id).order_by(Notice.id)))
        edits = session.scalar(select(func.count()).where(Version.number > 1))
    assert [body["id"] for body in received] == outbox
    assert events(hook)["version_new"] == edits
    assert next((b["version"], b["changed"]) for b in received if b["url"] == site.url(edited)) == (
        2,
        ["text"],
    )
    (degraded,) = (b for b in received if b["event"] == "source_degraded")
    assert degraded["health"] == "degraded"
    assert degraded["problems"]
    assert "s3cret" not in (tmp_path / "first.log").read_text() + second.text()
