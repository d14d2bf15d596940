"""The count beside a client's worst status ("✗ missed · 3/4 met", "· no data · 2/3 in"):
the worst-metric rule is kept, the count tells how bad."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retainer_tui.domain.status import MetricStatus as S
from retainer_tui.domain.status import status_count, worst_status


@pytest.mark.parametrize(
    ("statuses", "shown"),
    [
        ([S.MISSED, S.MET, S.MET, S.MET], "3/4 met"),
        ([S.MISSED, S.MISSED], "0/2 met"),
        ([S.MISSED, S.MISSING, S.MET], "1/3 met"),
        ([S.BEHIND, S.ON_TRACK, S.MET], "2/3 ok"),
        ([S.AT_RISK, S.AT_RISK, S.ON_TRACK], "1/3 ok"),
        ([S.NO_DATA, S.ON_TRACK, S.ON_TRACK], "2/3 in"),
        ([S.NO_DATA, S.ON_TRACK, S.AT_RISK], "1/3 ok"),
        ([S.NO_DATA, S.NO_DATA, S.MET], "1/3 in"),
        ([S.MISSING, S.MET, S.MET], "2/3 in"),
    ],
)
def test_the_count_for_each_worst_status(statuses: list[S], shown: str) -> None:
    assert str(status_count(statuses)) == shown


@pytest.mark.parametrize(
    "statuses",
    [[], [S.MISSED], [S.NO_DATA], [S.MET, S.MET], [S.ON_TRACK, S.MET], [S.ON_TRACK] * 3],
)
def test_no_count_for_one_metric_or_an_all_good_client(statuses: list[S]) -> None:
    assert status_count(statuses) is None


METRIC = st.sampled_from([s for s in S if s is not S.NO_GOALS])


@given(st.lists(METRIC, min_size=2, max_size=12))
def test_the_count_is_of_the_clients_own_metrics(statuses: list[S]) -> None:
    count = status_count(statuses)
    worst = worst_status(statuses)
    if worst in (S.MET, S.ON_TRACK):
        assert count is None
        return
    assert count is not None and count.total == len(statuses)
    # The worst metric itself is never counted as fine.
    assert 0 <= count.count < count.total
    with_result = [s for s in statuses if s not in (S.NO_DATA, S.MISSING)]
    if count.word == "in":
        assert count.count == len(with_result)
    elif count.word == "met":
        assert worst is S.MISSED and count.count == statuses.count(S.MET)
    else:
        assert worst in (S.BEHIND, S.AT_RISK)
        assert count.count == statuses.count(S.MET) + statuses.count(S.ON_TRACK)
