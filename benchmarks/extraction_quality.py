"""Extraction quality on pages with ground truth written by others, against plain trafilatura.

    python -m benchmarks.extraction_quality [--benchdata DIR]

Runs the shared scorer (benchdata/evaluate.py) on the Zyte article benchmark, the WCXB article
pages and the htmldate set, once with trafilatura as a library user would call it and once with
the archive's extractor, in the same run, and prints both with their ratio. Exits 1 when the
archive's figures fall below the pinned floors (a quality gate, like trafilatura's own CI).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BENCHDATA = ROOT.parent / "shared" / "benchdata"
BASELINE = "adapters:trafilatura_meta"
ARCHIVER = "benchmarks.adapters:archiver_extract"
# (dataset, extra scorer arguments, [(label, path into the summary)])
RUNS: list[tuple[str, list[str], list[tuple[str, tuple[str, ...]]]]] = [
    ("zyte-aeb", [], [("body F1 (shingle)", ("shingle", "f1"))]),
    (
        "wcxb",
        ["--where", "page_type=article"],
        [
            ("body F1 (word)", ("word", "f1")),
            ("title exact", ("title", "exact")),
            ("author exact", ("author", "exact")),
            ("date accuracy", ("date", "accuracy")),
        ],
    ),
    ("htmldate-eval", [], [("date accuracy", ("date", "accuracy"))]),
]
# The archive's extractor must not fall below these: the figures measured with trafilatura
# 2.3.1 and reader rules 3 (2026-12), less about two pages' worth of noise.
FLOORS = {
    ("zyte-aeb", "body F1 (shingle)"): 0.975,
    ("wcxb", "body F1 (word)"): 0.94,
    ("wcxb", "title exact"): 0.78,
    ("wcxb", "author exact"): 0.69,
    ("wcxb", "date accuracy"): 0.83,
    ("htmldate-eval", "date accuracy"): 0.89,
}


def score(benchdata: Path, dataset: str, adapter: str, extra: list[str]) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(benchdata)])}
    result = subprocess.run(
        [sys.executable, str(benchdata / "evaluate.py"), dataset, adapter, *extra],
        cwd=benchdata,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    summary: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return summary


def dig(summary: dict[str, Any], path: tuple[str, ...]) -> float:
    value: Any = summary
    for key in path:
        value = value[key]
    return float(value)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--benchdata", type=Path, default=DEFAULT_BENCHDATA)
    args = parser.parse_args()
    failures = []
    print(f"{'dataset':<14} {'measure':<18} {'trafilatura':>11} {'archiver':>9} {'ratio':>6}")
    for dataset, extra, measures in RUNS:
        baseline = score(args.benchdata, dataset, BASELINE, extra)
        ours = score(args.benchdata, dataset, ARCHIVER, extra)
        for label, path in measures:
            base, mine = dig(baseline, path), dig(ours, path)
            ratio = mine / base if base else float("nan")
            print(f"{dataset:<14} {label:<18} {base:>11.4f} {mine:>9.4f} {ratio:>6.3f}")
            floor = FLOORS.get((dataset, label))
            if floor is not None and mine < floor:
                failures.append(f"{dataset} {label}: {mine:.4f} < floor {floor}")
        # CPU time a page (the scorer's process time inside the function): less sensitive to
        # other load on the machine than wall time.
        base_ms, our_ms = (1000 / run["speed"]["docs_per_cpu_s"] for run in (baseline, ours))
        print(
            f"{dataset:<14} {'CPU ms a page':<18} {base_ms:>11.1f} {our_ms:>9.1f} "
            f"{our_ms / base_ms:>6.3f}"
        )
    for failure in failures:
        print(f"BELOW FLOOR: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
