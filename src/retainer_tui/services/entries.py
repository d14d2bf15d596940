"""Monthly entries, re-exported from the modules that hold them: goals (targets carried
forward, tier defaults), results_hours, payments, report_marks and metrics. Callers
import the names from here; what the modules share is in entry_common.

Each write is one short transaction (a grid cell costs about a millisecond), returns a
frozen dataclass with the Change it made, and pushes that Change onto the undo stack when
one is given. Typed values are read with domain.validation; refused values raise
FormInvalid naming the field, and nothing is written.

Statements are built from the tables in db/models.py. SQLAlchemy is imported inside the
functions: the app's start-up path imports this module and must not wait for it.
"""

from __future__ import annotations

from retainer_tui.services.goals import (
    GoalSet,
    GoalsSet,
    GoalStep,
    TargetInForce,
    TierDefaults,
    apply_tier_goals,
    clear_goal,
    goal_history,
    goals_version,
    set_goal,
    set_goals,
    targets_in_force,
    tier_defaults,
)
from retainer_tui.services.metrics import MetricAdded, add_metric
from retainer_tui.services.payments import (
    PaymentSaved,
    mark_payment,
    payment_for,
    payment_version,
    unmark_payment,
)
from retainer_tui.services.report_marks import (
    ReportSaved,
    mark_report_sent,
    report_sent_on,
    report_version,
    unmark_report,
)
from retainer_tui.services.results_hours import (
    HoursSaved,
    ResultSaved,
    clear_hours,
    clear_result,
    format_hours,
    set_hours,
    set_result,
)

__all__ = [
    "goals_version",
    "payment_version",
    "report_version",
    "GoalSet",
    "GoalStep",
    "GoalsSet",
    "HoursSaved",
    "MetricAdded",
    "PaymentSaved",
    "ReportSaved",
    "ResultSaved",
    "TargetInForce",
    "TierDefaults",
    "add_metric",
    "apply_tier_goals",
    "clear_goal",
    "clear_hours",
    "clear_result",
    "format_hours",
    "goal_history",
    "mark_payment",
    "mark_report_sent",
    "payment_for",
    "report_sent_on",
    "set_goal",
    "set_goals",
    "set_hours",
    "set_result",
    "targets_in_force",
    "tier_defaults",
    "unmark_payment",
    "unmark_report",
]
