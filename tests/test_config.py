from __future__ import annotations

from pathlib import Path

import pytest

from scraper.config import ConfigError, database_url, load_config

GOOD = """
database = "sqlite:///from-file.db"

[[sources]]
name = "ledger"
feeds = ["https://example.org/feed/"]
sitemaps = ["https://example.org/sitemap.xml"]
start_urls = ["https://example.org/"]
article_pattern = '/\\d{4}/\\d{2}/\\d{2}/'
follow_pattern = '/(category|page)/'
max_depth = 3
schedule = "*/30 * * * *"
settings = { DOWNLOAD_DELAY = 1.5 }

[[sources]]
name = "courier"
feeds = []
start_urls = ["https://courier.example.net/"]
schedule = "every 2h"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "archiver.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_loads(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD))
    assert config.database == "sqlite:///from-file.db"
    ledger = config.source("ledger")
    assert ledger.max_depth == 3
    assert ledger.article_pattern is not None
    assert ledger.article_pattern.search("https://example.org/2026/11/02/x/")
    assert ledger.settings["DOWNLOAD_DELAY"] == 1.5
    assert ledger.hosts == {"example.org"}
    courier = config.source("courier")
    assert courier.feeds == ()
    assert courier.max_depth == 2
    assert ledger.fingerprint() != courier.fingerprint()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ('name = "ledger"\nbogus = 1', "source 'ledger': key 'bogus': unknown key"),
        ("article_pattern = '(unclosed'", "source 'ledger': key 'article_pattern': bad regular"),
        ('schedule = "61 * * * *"', "source 'ledger': key 'schedule': bad schedule"),
        ('schedule = "every 5 parsecs"', "source 'ledger': key 'schedule'"),
        ('feeds = ["/relative/feed"]', "source 'ledger': key 'feeds': not an absolute"),
        ("max_depth = -1", "source 'ledger': key 'max_depth'"),
        ("settings = { download_delay = 1 }", "source 'ledger': key 'settings'"),
    ],
)
def test_bad_source_keys_name_file_source_and_key(
    tmp_path: Path, change: str, message: str
) -> None:
    text = f'[[sources]]\nname = "ledger"\nstart_urls = ["https://example.org/"]\n{change}\n'
    if change.startswith('name = "ledger"'):
        text = f'[[sources]]\nstart_urls = ["https://example.org/"]\n{change}\n'
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert str(raised.value).startswith(f"{path}: ")
    assert message in str(raised.value)


def test_duplicate_names_and_unknown_top_level_keys_are_refused(tmp_path: Path) -> None:
    twice = '[[sources]]\nname = "a"\n[[sources]]\nname = "a"\n'
    with pytest.raises(ConfigError, match="source 'a': key 'name': duplicate"):
        load_config(write(tmp_path, twice))
    with pytest.raises(ConfigError, match="unknown key 'databse'"):
        load_config(write(tmp_path, 'databse = "x"\n'))
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, "[[sources]\n"))


def test_missing_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ARCHIVER_CONFIG", raising=False)
    assert load_config().sources == {}  # no ./archiver.toml: nothing configured
    with pytest.raises(ConfigError, match="no such sources file"):
        load_config(tmp_path / "absent.toml")
    monkeypatch.setenv("ARCHIVER_CONFIG", str(tmp_path / "absent.toml"))
    with pytest.raises(ConfigError, match="no such sources file"):
        load_config()


def test_unknown_source_lists_the_known_ones(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD))
    with pytest.raises(ConfigError, match=r"unknown source 'nope'.*courier, ledger"):
        config.source("nope")


def test_database_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = load_config(write(tmp_path, GOOD))
    monkeypatch.delenv("ARCHIVER_DATABASE_URL", raising=False)
    # The file's relative path is from the file's folder; the others' from the current one.
    assert database_url(None, config) == f"sqlite:///{tmp_path / 'from-file.db'}"
    monkeypatch.setenv("ARCHIVER_DATABASE_URL", "sqlite:///from-env.db")
    assert database_url(None, config) == "sqlite:///from-env.db"
    assert database_url("sqlite:///from-flag.db", config) == "sqlite:///from-flag.db"


@pytest.mark.parametrize(
    ("database", "expected"),
    [
        ("sqlite:///archive.db", "sqlite:///{folder}/archive.db"),
        ("sqlite:///data/../archive.db?timeout=5", "sqlite:///{folder}/archive.db?timeout=5"),
        ("sqlite:////srv/archive.db", "sqlite:////srv/archive.db"),
        ("sqlite:///~/archive.db", "sqlite:///~/archive.db"),
        ("sqlite:///:memory:", "sqlite:///:memory:"),
        ("postgresql://archiver@db/archive", "postgresql://archiver@db/archive"),
    ],
)
def test_a_relative_sqlite_path_in_the_file_is_relative_to_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database: str, expected: str
) -> None:
    monkeypatch.delenv("ARCHIVER_DATABASE_URL", raising=False)
    folder = tmp_path / "conf"
    folder.mkdir()
    write(folder, f'database = "{database}"\n')
    monkeypatch.chdir(tmp_path)  # the file named by a relative path, from elsewhere
    config = load_config("conf/archiver.toml")
    assert database_url(None, config) == expected.format(folder=folder)
