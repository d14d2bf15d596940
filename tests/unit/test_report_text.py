"""The report's Markdown: numbers formatted carefully, statuses in plain words."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from retainer_tui.domain.month import Month
from retainer_tui.domain.report_text import (
    DASH,
    PlannedTarget,
    ReportData,
    ReportMetric,
    change,
    hours_line,
    md_escape,
    percent,
    render_report,
    report_file_name,
    slug,
    status_line,
    unit_for,
)
from retainer_tui.domain.status import MetricStatus

OCT = Month(2026, 10)
AS_OF = date(2026, 11, 20)


def metric(
    target: int,
    actual: int | None,
    status: MetricStatus,
    *,
    previous: int | None = None,
    label: str = "New followers",
    unit: str = "followers",
    expected: Fraction | int = 0,
) -> ReportMetric:
    return ReportMetric(
        key="new_followers",
        label=label,
        unit=unit,
        target=target,
        actual=actual,
        status=status,
        expected_by_now=Fraction(expected),
        previous_actual=previous,
    )


@pytest.mark.parametrize(
    ("ratio", "text"),
    [
        (Fraction(520, 500), "104%"),
        (Fraction(1), "100%"),
        (Fraction(60, 100), "60%"),
        (Fraction(2, 3), "67%"),
        (Fraction(1, 8), "13%"),  # 12.5 rounds half up
        (Fraction(499, 500), "99.8%"),  # missed: never shown as 100%
        (Fraction(9999, 10000), "99.9%"),
        (Fraction(1, 1000), "<1%"),
        (Fraction(0), "0%"),
        (Fraction(25, 1), "2,500%"),
        (None, DASH),
    ],
)
def test_percent(ratio: Fraction | None, text: str) -> None:
    assert percent(ratio) == text


@pytest.mark.parametrize(
    ("current", "previous", "text"),
    [
        (520, 460, "+60 (+13%)"),
        (60, 100, "-40 (-40%)"),
        (100, 100, "no change"),
        (40, 0, "+40"),  # no percentage of nothing
        (0, 5, "-5 (-100%)"),
        (1001, 1000, "+1 (+<1%)"),
        (1995, 1000, "+995 (+100%)"),  # an increase may round up to 100%
        (12_500, 10_000, "+2,500 (+25%)"),
        (None, 100, DASH),  # not entered this month
        (100, None, DASH),  # no previous month, or not entered then
        (None, None, DASH),
    ],
)
def test_change(current: int | None, previous: int | None, text: str) -> None:
    assert change(current, previous) == text


def test_units_are_singular_for_one() -> None:
    assert unit_for(1, "posts", "Posts shared") == "post"
    assert unit_for(2, "posts", "Posts shared") == "posts"
    assert unit_for(1, "", "Reels published") == "reels published"
    assert unit_for(3, "", "Reels") == "reels"
    assert unit_for(1, "business", "X") == "business"


@pytest.mark.parametrize(
    ("m", "line"),
    [
        (
            metric(500, 520, MetricStatus.MET),
            "Met: 520 of 500 followers (104%), 20 above target.",
        ),
        (metric(500, 500, MetricStatus.MET), "Met: 500 of 500 followers (100%)."),
        (
            metric(100, 60, MetricStatus.MISSED, label="Posts shared", unit="posts"),
            "Missed by 40 posts: 60 of 100 (60%).",
        ),
        (
            metric(10, 9, MetricStatus.MISSED, label="Conversions", unit="conversions"),
            "Missed by 1 conversion: 9 of 10 (90%).",
        ),
        (
            metric(4, None, MetricStatus.MISSING, label="Newsletters", unit="newsletters"),
            "Not entered: no result was recorded (target 4 newsletters).",
        ),
        (
            metric(4, None, MetricStatus.NO_DATA, label="Newsletters", unit="newsletters"),
            "No result entered yet (target 4 newsletters).",
        ),
        (
            metric(300, 200, MetricStatus.ON_TRACK, expected=Fraction(200)),
            "On track: 200 of 300 followers (67%) so far, 200 expected by now.",
        ),
        (
            metric(300, 180, MetricStatus.AT_RISK, expected=Fraction(200)),
            "At risk: 180 of 300 followers (60%) so far, a little under the 200 expected by now.",
        ),
        (
            metric(300, 50, MetricStatus.BEHIND, expected=Fraction(401, 2)),
            "Behind: 50 of 300 followers (17%) so far, well under the 201 expected by now.",
        ),
        (
            metric(1_200, 1_344, MetricStatus.MET),
            "Met: 1,344 of 1,200 followers (112%), 144 above target.",
        ),
    ],
)
def test_status_line_in_plain_words(m: ReportMetric, line: str) -> None:
    assert status_line(m) == line


def test_hours_line() -> None:
    assert hours_line(None, 20) == "No hours recorded."
    assert hours_line(1250, 20) == "12.5 of 20 included hours used (63%)."
    assert hours_line(2000, 20) == "20 of 20 included hours used (100%)."
    assert hours_line(2450, 20) == "24.5 of 20 included hours used (123%): 4.5 over the retainer."
    assert hours_line(1225, 0) == "12.25 hours worked."
    assert hours_line(100, None) == "1 hour worked."


def test_escaping_and_file_names() -> None:
    assert md_escape("A|B *bold* _x_ #1") == r"A\|B \*bold\* \_x\_ \#1"
    assert md_escape("two\nlines") == "two lines"
    assert slug("Rossi Bakery") == "rossi-bakery"
    assert slug("Harbor & Pine Coffee") == "harbor-pine-coffee"
    assert slug("Caffè Ñandú") == "caffe-nandu"
    assert slug("***") == "client"
    assert slug("../../etc/passwd") == "etc-passwd"
    assert report_file_name("Rossi Bakery", OCT) == "rossi-bakery-2026-10.md"


def _data(**changes: object) -> ReportData:
    values: dict[str, object] = dict(
        client="Rossi Bakery",
        company="Panificio Rossi S.n.c.",
        month=OCT,
        as_of=AS_OF,
        tier="Tier 1",
        services=("Content creation", "Graphic design"),
        metrics=(
            metric(500, 520, MetricStatus.MET, previous=460),
            ReportMetric(
                "posts_shared", "Posts shared", "posts", 100, 60, MetricStatus.MISSED, Fraction(100)
            ),
            ReportMetric(
                "reels", "Reels | shorts", "reels", 8, None, MetricStatus.MISSING, Fraction(8), 7
            ),
        ),
        hours_x100=2450,
        included_hours=20,
        planned=(
            PlannedTarget("new_followers", "New followers", "followers", 600, 500),
            PlannedTarget("posts_shared", "Posts shared", "posts", 100, 100),
            PlannedTarget("conversions", "Conversions", "conversions", 10, None),
        ),
        dropped=("Reels | shorts",),
        highlights="The sourdough reel passed **40k** views.\n\n- two papers shared it\n",
    )
    values.update(changes)
    return ReportData(**values)  # type: ignore[arg-type]


GOLDEN = """\
# Rossi Bakery: progress report, October 2026

**Client:** Rossi Bakery (Panificio Rossi S.n.c.)  
**Month:** October 2026  
**Retainer:** Tier 1

**Services included:** Content creation, Graphic design

## Results

| Metric | Target | Actual | Attained | Change from Sep 2026 |
|---|---:|---:|---:|---:|
| New followers | 500 | 520 | 104% | +60 (+13%) |
| Posts shared | 100 | 60 | 60% | — |
| Reels \\| shorts | 8 | — | — | — |

1 of 3 goals met; 1 without a result entered.

- **New followers:** Met: 520 of 500 followers (104%), 20 above target.
- **Posts shared:** Missed by 40 posts: 60 of 100 (60%).
- **Reels \\| shorts:** Not entered: no result was recorded (target 8 reels).

## Hours

24.5 of 20 included hours used (123%): 4.5 over the retainer.

## Planned for November 2026

| Metric | Target | Change |
|---|---:|---|
| New followers | 600 | up from 500 |
| Posts shared | 100 | same |
| Conversions | 10 | new |

No longer tracked: Reels \\| shorts.

## Highlights

The sourdough reel passed **40k** views.

- two papers shared it
"""


def test_render_report_golden() -> None:
    assert render_report(_data()) == GOLDEN


def test_report_ends_with_one_newline_and_omits_empty_highlights() -> None:
    text = render_report(_data(highlights="  \n"))
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert "## Highlights" not in text


def test_report_without_goals_tier_or_next_month() -> None:
    text = render_report(
        _data(
            company="",
            tier=None,
            services=(),
            metrics=(),
            hours_x100=None,
            included_hours=None,
            planned=None,
            dropped=(),
            highlights="",
        )
    )
    assert "**Client:** Rossi Bakery  \n" in text
    assert "**Retainer:** no tier\n" in text
    assert "Services included" not in text
    assert "No goals were set for this month." in text
    assert "No hours recorded." in text
    assert "The retainer ends with October 2026; nothing is planned after it." in text


def test_open_month_says_so() -> None:
    text = render_report(_data(as_of=date(2026, 10, 15)))
    assert "_The month is still open: figures as of 2026-10-15._" in text


def test_no_targets_next_month() -> None:
    text = render_report(_data(planned=(), dropped=()))
    assert "## Planned for November 2026\n\nNo targets set yet.\n" in text
