"""The robustness report printed at the end of `make test`.

Tests of hostile input, kills and faults record what they saw through the ``report``
fixture; the table sums it up after the test summary: hostile inputs tried, outcomes by
reason, crashes, versions lost or doubled under kills, peak memory of a crawl.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

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


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if REPORT.empty:
        return
    terminalreporter.section("robustness report")
    for line in REPORT.lines():
        terminalreporter.write_line(line)
