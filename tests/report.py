"""The robustness report printed at the end of `make test`.

Tests of hostile input, kills and faults record what they saw through the ``report``
fixture; the table sums it up after the test summary: hostile inputs tried, outcomes by
reason, crashes, versions lost or doubled under kills, peak memory of a crawl. When the
suite runs on several workers (pytest-xdist), each sends its part to the controller.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest


@dataclass
class Report:
    cases: dict[str, str] = field(default_factory=dict)
    reasons: Counter[str] = field(default_factory=Counter)
    crashes: int = 0
    kills: int = 0
    lost: int = 0
    doubled: int = 0
    peak_mb: float = 0.0

    def hostile(self, case: str, outcome: str) -> None:
        self.cases[case] = outcome

    def outcomes(self, counts: Counter[str]) -> None:
        self.reasons.update(counts)

    def crashed(self, count: int = 1) -> None:
        self.crashes += count

    def killed(self, kills: int, lost: int, doubled: int) -> None:
        self.kills += kills
        self.lost += lost
        self.doubled += doubled

    def peak_memory(self, megabytes: float) -> None:
        self.peak_mb = max(self.peak_mb, megabytes)

    def as_dict(self) -> dict[str, Any]:
        """What a test worker sends the controller (pytest-xdist), to be merged there."""
        return {
            "cases": self.cases,
            "reasons": dict(self.reasons),
            "crashes": self.crashes,
            "kills": self.kills,
            "lost": self.lost,
            "doubled": self.doubled,
            "peak_mb": self.peak_mb,
        }

    def merge(self, data: dict[str, Any]) -> None:
        self.cases.update(data["cases"])
        self.reasons.update(data["reasons"])
        self.crashed(data["crashes"])
        self.killed(data["kills"], data["lost"], data["doubled"])
        self.peak_memory(data["peak_mb"])

    @property
    def empty(self) -> bool:
        return not (self.cases or self.reasons or self.kills)

    def lines(self) -> list[str]:
        rows = [
            ("hostile inputs tried", str(len(self.cases))),
            ("crashes (must be 0)", str(self.crashes)),
            ("kills of a running crawl", str(self.kills)),
            ("versions lost under kills (must be 0)", str(self.lost)),
            ("versions doubled under kills (must be 0)", str(self.doubled)),
            ("peak resident memory of a crawl", f"{self.peak_mb:.0f} MB (limit 600)"),
        ]
        width = max(len(label) for label, _ in rows)
        lines = [f"{label:<{width}}  {value}" for label, value in rows]
        lines.append("outcomes by reason:")
        lines += [f"  {reason:<{width - 2}}  {n}" for reason, n in sorted(self.reasons.items())]
        return lines


REPORT = Report()


@pytest.fixture(scope="session")
def report() -> Report:
    return REPORT


def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # a pytest-xdist worker: the controller prints the report
        workeroutput["robustness"] = REPORT.as_dict()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    output = getattr(node, "workeroutput", {})
    if "robustness" in output:
        REPORT.merge(output["robustness"])


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if REPORT.empty:
        return
    terminalreporter.section("robustness report")
    for line in REPORT.lines():
        terminalreporter.write_line(line)
