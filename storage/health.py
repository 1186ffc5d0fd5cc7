"""Is a source all right? Its health, read off its own recent discovery runs (DESIGN §9).

- ``failing``: its last ``failing_after`` discovery runs fetched nothing usable (the site down,
  DNS, every page 4xx/5xx) or ended ``crashed``, ``killed``, ``interrupted`` or
  ``storage_failed``.
- ``degraded``: its last discovery run read pages much worse than its own usual (the median
  of its previous usable runs): many more pages extracted empty, much shorter bodies, title,
  author or date found much less often, or far fewer articles found. A template change, a
  consent wall or a moved feed looks like this, and loses stories silently until someone
  looks.
- ``new``: no discovery run of it has ended usable yet; ``ok`` otherwise.

Runs that did not try (``already_running``, stopped by a shutdown, refused) do not count.
The figures come from each run's stats (``reading``, filled by the extraction step), so the
rules can be applied again at any time; ``refresh`` records the health last announced and
writes a notice (storage.notices) when it changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from statistics import median
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import notices, outcomes, runs
from storage.models import Source, utcnow

OK = "ok"
DEGRADED = "degraded"
FAILING = "failing"
NEW = "new"

# Finish reasons of runs that did not really try to crawl: they say nothing of the source.
NOT_TRIED = frozenset({runs.ALREADY_RUNNING, "shutdown", "run_refused"})
# Finish reasons of runs that broke off: they fetched nothing usable, whatever they counted.
BROKEN = frozenset({runs.CRASHED, runs.KILLED, runs.INTERRUPTED, runs.STORAGE_FAILED})
EXTRACT_EMPTY = outcomes.failed("extract_empty")
# How many discovery runs of a source are read to judge it.
RUNS_READ = 20


@dataclass(frozen=True)
class HealthRules:
    """The thresholds (``[health]`` in the sources file); the defaults suit most news sites."""

    # Discovery runs in a row that fetched nothing usable before a source is failing.
    failing_after: int = 2
    # How many earlier usable runs make a source's usual figures (their median).
    baseline_runs: int = 5
    # Fewer article pages than this in a run say nothing about its reading.
    min_pages: int = 5
    # Share of article pages extracted empty, above the usual share, that is a problem.
    empty_rise: float = 0.3
    # A figure falling to this fraction of its usual value (or lower) is a problem.
    drop_to: float = 0.5

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> HealthRules:
        return cls(**values)


DEFAULT_RULES = HealthRules()


@dataclass(frozen=True)
class Reading:
    """How one run read its article pages."""

    pages: int  # article pages fetched and read, or extracted empty
    empty: int
    read: int
    title: int
    author: int
    date: int
    text_median: int
    articles: int  # articles the run found: archived or checked, or extracted empty

    @classmethod
    def of(cls, stats: dict[str, Any]) -> Reading:
        counts = stats.get("outcomes", {})
        reading = stats.get("reading", {})
        empty = int(counts.get(EXTRACT_EMPTY, 0))
        read = int(reading.get("read", 0))
        stored = sum(int(counts.get(outcome, 0)) for outcome in outcomes.STORED)
        return cls(
            pages=read + empty,
            empty=empty,
            read=read,
            title=int(reading.get("title", 0)),
            author=int(reading.get("author", 0)),
            date=int(reading.get("date", 0)),
            text_median=int(reading.get("text_median", 0)),
            articles=stored + empty,
        )


def usable(run: runs.RunView) -> bool:
    """Whether a run fetched something usable (storage.outcomes.nothing_usable)."""
    if run.finish_reason in BROKEN:
        return False
    return not outcomes.nothing_usable(run.stats.get("outcomes", {}))


@dataclass(frozen=True)
class Health:
    health: str
    problems: tuple[str, ...] = ()
    consecutive_failures: int = 0
    last_success_at: datetime | None = None
    # The run the health was judged on (the latest that counts), for notices' keys.
    judged_run: int | None = None
    details: dict[str, Any] = field(default_factory=dict)


def judge(discoveries: list[runs.RunView], rules: HealthRules = DEFAULT_RULES) -> Health:
    """The health of a source from its discovery runs, newest first."""
    counted = [
        r for r in discoveries if r.finished_at is not None and r.finish_reason not in NOT_TRIED
    ]
    if not counted:
        return Health(NEW)
    failures = 0
    for run in counted:
        if usable(run):
            break
        failures += 1
    good = [run for run in counted if usable(run)]
    last_success = good[0].finished_at if good else None
    latest = counted[0]
    if failures >= rules.failing_after:
        return Health(
            FAILING,
            (_nothing_usable(counted[:failures]),),
            failures,
            last_success,
            latest.id,
        )
    if not good:
        return Health(NEW, (_nothing_usable(counted[:failures]),), failures, None, latest.id)
    problems = _reading_problems(good[0], good[1 : 1 + rules.baseline_runs], rules)
    return Health(DEGRADED if problems else OK, problems, failures, last_success, latest.id)


def _nothing_usable(failed_runs: list[runs.RunView]) -> str:
    latest = failed_runs[0]
    if latest.finish_reason in BROKEN:
        why = f"the last one ended {latest.finish_reason}"
    else:
        reasons = latest.stats.get("failed", {})
        counted = ", ".join(f"{reason} {n}" for reason, n in sorted(reasons.items()))
        why = f"the last one: {counted or 'no pages'}"
    n = len(failed_runs)
    runs_word = "discovery run" if n == 1 else f"{n} discovery runs"
    return f"the last {runs_word} fetched nothing usable ({why}; usually some articles)"


def _reading_problems(
    run: runs.RunView, baseline_runs: list[runs.RunView], rules: HealthRules
) -> tuple[str, ...]:
    """What the last usable run read much worse than the runs before it usually did."""
    if not baseline_runs:
        return ()
    now = Reading.of(run.stats)
    usual = [Reading.of(r.stats) for r in baseline_runs]
    problems: list[str] = []
    read_before = [r for r in usual if r.pages >= rules.min_pages]
    if now.pages >= rules.min_pages and read_before:
        share = median(r.empty / r.pages for r in read_before)
        if now.empty / now.pages - share >= rules.empty_rise:
            problems.append(
                f"extract_empty on {now.empty} of {now.pages} article pages "
                f"(usually {round(share * now.pages)} of {now.pages}): template changed?"
            )
    with_text = [r for r in usual if r.read >= rules.min_pages]
    if now.read >= rules.min_pages and with_text:
        length = median(r.text_median for r in with_text)
        if now.text_median < rules.drop_to * length:
            problems.append(
                f"median body length {now.text_median} characters (usually {round(length)}): "
                "template changed?"
            )
        for name in ("title", "author", "date"):
            found = median(getattr(r, name) / r.read for r in with_text)
            share = getattr(now, name) / now.read
            if found >= 0.5 and share <= rules.drop_to * found:
                problems.append(
                    f"{name} found on {getattr(now, name)} of {now.read} pages "
                    f"(usually {round(found * now.read)} of {now.read})"
                )
    found_before = median(r.articles for r in usual)
    if found_before >= rules.min_pages and now.articles < rules.drop_to * found_before:
        problems.append(
            f"discovery found {now.articles} articles (usually {round(found_before)}): "
            "did a feed or section move?"
        )
    return tuple(problems)


def source_health(session: Session, source: str, rules: HealthRules = DEFAULT_RULES) -> Health:
    """The health of *source* now."""
    discoveries = runs.runs(session, source=source, kind="discover", limit=RUNS_READ)
    return judge(discoveries, rules)


# Which notice a change of health makes: (from, to) -> event; None: no notice.
def _event(before: str | None, after: str) -> str | None:
    if after == FAILING and before != FAILING:
        return notices.SOURCE_FAILING
    if after == DEGRADED and before != DEGRADED:
        return notices.SOURCE_DEGRADED
    if after == OK and before in (FAILING, DEGRADED):
        return notices.SOURCE_RECOVERED
    return None


def refresh(session: Session, source: str, rules: HealthRules = DEFAULT_RULES) -> Health:
    """Judge *source* and record its health; when that changed, write the notice with it.

    The source's row is locked, and the notice is keyed by the run judged: two refreshes at
    once, or one repeated after a kill, announce a change once.
    """
    row = session.scalars(select(Source).where(Source.name == source).with_for_update()).first()
    health = source_health(session, source, rules)
    if row is None:
        return health
    event = _event(row.health, health.health)
    if row.health != health.health:
        row.health, row.health_at = health.health, utcnow()
    if event is not None:
        notices.announce_health(
            session, row.id, source, event, health.health, health.problems, health.judged_run
        )
    return health
