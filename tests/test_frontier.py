"""The run's frontier (scraper.frontier): each key requested once, its page emitted once,
addresses found meanwhile kept for it, hosts held to their request limit."""

from __future__ import annotations

from scraper.frontier import Admission, Frontier


def test_a_key_is_admitted_once_and_waiting_addresses_go_with_its_page() -> None:
    frontier = Frontier()
    assert frontier.admit("k1", "example.org") is Admission.ADMITTED
    assert frontier.admit("k1", "example.org") is Admission.SEEN
    assert frontier.requested("k1")
    assert not frontier.emitted("k1")
    frontier.wait("k1", ["https://example.org/a?utm_source=x", "https://example.org/a/amp/"])
    frontier.wait("k1", ["https://example.org/a?utm_source=x"])
    assert frontier.emit("k1") == [
        "https://example.org/a/amp/",
        "https://example.org/a?utm_source=x",
    ]
    assert frontier.emitted("k1")
    assert frontier.emit("k1") == []  # handed over once


def test_a_page_emitted_without_being_requested_counts_as_requested() -> None:
    frontier = Frontier()
    frontier.emit("redirect-target")  # reached through a redirect from another request
    assert frontier.requested("redirect-target")
    assert frontier.admit("redirect-target", "example.org") is Admission.SEEN


def test_a_host_past_its_limit_gets_no_more_requests_and_others_are_not_held_up() -> None:
    frontier = Frontier(max_requests_per_host=2)
    assert [frontier.admit(f"trap/{i}", "trap.example") for i in range(4)] == [
        Admission.ADMITTED,
        Admission.ADMITTED,
        Admission.HOST_LIMIT,
        Admission.HOST_LIMIT,
    ]
    assert not frontier.requested("trap/2")
    assert frontier.admit("news/1", "news.example") is Admission.ADMITTED
    assert Frontier().admit("any", "host") is Admission.ADMITTED  # 0: no limit
