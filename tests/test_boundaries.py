"""storage/ and schedules/ never import Scrapy or Twisted (DESIGN §1)."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("package", ["storage", "schedules"])
def test_package_does_not_pull_in_scrapy_or_twisted(package: str) -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        f"import {package}\n"
        f"for m in pkgutil.walk_packages({package}.__path__, '{package}.'):\n"
        "    if '.migrations' not in m.name:\n"
        "        importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('scrapy', 'twisted'))\n"
        "print(len([n for n in sys.modules if n.startswith('" + package + "')]), bad)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    count, bad = result.stdout.split(" ", 1)
    assert int(count) > 1
    assert bad.strip() == "[]"
