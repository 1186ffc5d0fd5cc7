"""The command line's contract: help with examples, one-line errors, JSON shapes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from scraper.cli import cli

pytestmark = pytest.mark.e2e

README = Path(__file__).parent.parent / "README.md"


def commands(group: click.Group, prefix: str = "") -> list[str]:
    found = []
    for name, command in group.commands.items():
        found.append(f"{prefix}{name}")
        if isinstance(command, click.Group):
            found.extend(commands(command, f"{prefix}{name} "))
    return found


@pytest.mark.parametrize("name", commands(cli))
def test_every_command_has_help_with_an_example_and_is_documented(name: str) -> None:
    result = CliRunner().invoke(cli, [*name.split(), "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert f"archiver {name}" in result.output
    assert re.search(rf"archiver (--\S+ \S+ )*{name}\b", README.read_text()), name


def invoke(*args: str, db: str | None = None) -> click.testing.Result:
    full = (["--db", db] if db else []) + list(args)
    return CliRunner().invoke(cli, full)


def assert_one_line_error(result: click.testing.Result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: ")
    for fragment in fragments:
        assert fragment in lines[0]


def test_unknown_url_and_version_are_one_line_errors(db_url: str) -> None:
    assert_one_line_error(
        invoke("versions", "https://example.org/x", db=db_url), "not in the archive"
    )
    assert_one_line_error(invoke("show", "not a url", db=db_url), "not an absolute")
    assert_one_line_error(
        invoke("show", "https://example.org/x", "--at", "yesterday", db=db_url), "ISO 8601"
    )


def test_stats_json_on_an_empty_archive(db_url: str) -> None:
    result = invoke("stats", "--json", db=db_url)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "articles": 0,
        "versions": 0,
        "checks": 0,
        "runs": 0,
        "urls": 0,
        "sources": 0,
    }


def test_unreachable_database_is_one_line_without_the_password() -> None:
    result = invoke("stats", db="postgresql://reader:s3cret@127.0.0.1:9/archive")
    assert_one_line_error(result, "cannot open the archive", "127.0.0.1:9")
    assert "s3cret" not in result.output


def test_unknown_source_and_bad_sources_file(tmp_path: Path, sqlite_url: str) -> None:
    config = tmp_path / "archiver.toml"
    config.write_text('[[sources]]\nname = "ledger"\nstart_urls = ["https://example.org/"]\n')
    result = invoke("--config", str(config), "crawl", "nope", db=sqlite_url)
    assert_one_line_error(result, "unknown source 'nope'", "ledger")
    config.write_text('[[sources]]\nname = "ledger"\narticle_pattern = "("\n')
    result = invoke("--config", str(config), "crawl", "ledger", db=sqlite_url)
    assert_one_line_error(result, str(config), "source 'ledger'", "key 'article_pattern'")


def test_a_crawl_that_cannot_reach_its_database_exits_1(tmp_path: Path) -> None:
    config = tmp_path / "archiver.toml"
    config.write_text('[[sources]]\nname = "ledger"\nstart_urls = ["http://127.0.0.1:9/"]\n')
    result = invoke(
        "--config", str(config), "crawl", "ledger", db="postgresql://u:pw@127.0.0.1:9/archive"
    )
    assert_one_line_error(result, "cannot open the archive")
    assert ":pw@" not in result.output


def test_fetch_refuses_what_is_not_a_web_address(sqlite_url: str) -> None:
    assert_one_line_error(invoke("fetch", "file:///etc/passwd", db=sqlite_url), "not an absolute")


def test_db_upgrade_and_check(empty_db_url: str) -> None:
    assert invoke("db", "upgrade", db=empty_db_url).exit_code == 0
    result = invoke("db", "check", db=empty_db_url)
    assert result.exit_code == 0, result.output
    assert "matches" in result.output


def test_read_commands_do_not_create_an_archive(tmp_path: Path) -> None:
    typo = tmp_path / "archvie.db"
    assert_one_line_error(invoke("stats", db=f"sqlite:///{typo}"), "no archive at", str(typo))
    assert not typo.exists()
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    result = invoke("db", "upgrade", db=f"sqlite:///{blocked}/archive.db")
    assert_one_line_error(result, "cannot open the archive")
