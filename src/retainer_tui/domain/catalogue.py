"""What a new database offers: built-in metrics and the article's three tiers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MetricDef:
    key: str
    label: str
    unit: str


BUILTIN_METRICS: tuple[MetricDef, ...] = (
    MetricDef("new_followers", "New followers", "followers"),
    MetricDef("posts_shared", "Posts shared", "posts"),
    MetricDef("conversions", "Conversions", "conversions"),
    MetricDef("blog_posts", "Blog posts", "posts"),
    MetricDef("newsletters", "Newsletters", "newsletters"),
)
BUILTIN_KEYS = frozenset(m.key for m in BUILTIN_METRICS)


@dataclass(frozen=True, slots=True)
class TierDef:
    """A tier's terms: a built-in one here, or a stored one as the client page shows it."""

    name: str
    monthly_fee_cents: int
    included_hours: int
    services: tuple[str, ...]
    description: str


_TIER1 = ("Content creation", "Graphic design", "Scheduled daily posts", "Strategic promotion")
_TIER2 = _TIER1 + (
    "Daily community engagement",
    "Growth strategy",
    "Marketing-campaign monitoring",
)
_TIER3 = _TIER2 + (
    "Influencer outreach",
    "Strategic collaborations",
    "Partnership deals",
    "Video creation",
    "Daily community management",
)

DEFAULT_TIERS: tuple[TierDef, ...] = (
    TierDef("Tier 1", 3_000_00, 20, _TIER1, "Content and scheduled posting."),
    TierDef("Tier 2", 5_000_00, 35, _TIER2, "Tier 1 plus engagement and growth strategy."),
    TierDef("Tier 3", 10_000_00, 60, _TIER3, "Tier 2 plus outreach, partnerships and video."),
)
