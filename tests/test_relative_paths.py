"""Where a relative SQLite path leads: from the sources file's folder when the file names it
(as alembic.ini and compose files have it), from the current directory on the command line
and in $ARCHIVER_DATABASE_URL; and ``stats`` names the file it opened."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.crawling import child_env, sources_file
from tests.site import NewsSite

pytestmark = pytest.mark.e2e


def run(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``archiver ARGS`` started in *cwd*, as a user would from a folder of their own."""
    done = subprocess.run(
        [sys.executable, "-m", "scraper.cli", *args],
        check=False,
        cwd=cwd,
        env={**child_env(), **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def test_the_sources_files_archive_is_beside_it_wherever_the_command_runs(
    site: NewsSite, tmp_path: Path
) -> None:
    folder, elsewhere = tmp_path / "etc", tmp_path / "elsewhere"
    folder.mkdir()
    elsewhere.mkdir()
    config = sources_file(folder / "archiver.toml", site.base_url)
    config.write_text('database = "sqlite:///archive.db"\n' + config.read_text())
    summary = json.loads(
        run(elsewhere, "--config", str(config), "crawl", "riverside", "--json").stdout
    )
    assert summary["articles_new"] == 24
    assert (folder / "archive.db").exists()
    assert not (elsewhere / "archive.db").exists()
    stats = run(elsewhere, "--config", str(config), "stats").stdout.splitlines()
    assert stats[0] == f"archive: {folder / 'archive.db'}"
    assert stats[1].split() == ["articles", "24"]


def test_relative_paths_on_the_command_line_and_in_the_environment_follow_the_cwd(
    tmp_path: Path,
) -> None:
    folder, elsewhere = tmp_path / "etc", tmp_path / "elsewhere"
    folder.mkdir()
    elsewhere.mkdir()
    config = folder / "archiver.toml"
    config.write_text('database = "sqlite:///archive.db"\n')
    run(elsewhere, "--config", str(config), "--db", "sqlite:///flag.db", "db", "upgrade")
    shown = run(elsewhere, "--config", str(config), "--db", "sqlite:///flag.db", "stats").stdout
    assert shown.splitlines()[0] == f"archive: {elsewhere / 'flag.db'}"
    env = {"ARCHIVER_DATABASE_URL": "sqlite:///env.db"}
    run(elsewhere, "--config", str(config), "db", "upgrade", env=env)
    shown = run(elsewhere, "--config", str(config), "stats", env=env).stdout
    assert shown.splitlines()[0] == f"archive: {elsewhere / 'env.db'}"
    assert (elsewhere / "flag.db").exists()
    assert (elsewhere / "env.db").exists()
    assert not (folder / "archive.db").exists()
