"""The month view holds the cyclic collector off while it builds, and gives it back only
when the last of overlapping loads is done (two screens' workers at once)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from retainer_tui.services.month_view import _collector_paused


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_one_load_pauses_and_gives_back() -> None:
    with _collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_overlapping_loads_share_the_pause() -> None:
    first, second = _collector_paused(), _collector_paused()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert not gc.isenabled(), "the second load is still building"
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_a_collector_turned_off_by_the_process_stays_off() -> None:
    gc.disable()
    with _collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_an_error_in_the_load_gives_the_collector_back() -> None:
    with pytest.raises(ValueError), _collector_paused():
        raise ValueError("the load failed")
    assert gc.isenabled()
