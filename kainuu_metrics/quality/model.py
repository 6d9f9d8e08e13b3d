"""The result of one data-quality run, independent of Great Expectations' own classes, so that
reports and tests read plain data (and the JSON kept per run is stable)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class CheckResult:
    """One expectation applied to one table."""

    dataset: str  # "grants", "population", "denominators", ...
    suite: str  # "grants_cleaned"
    expectation: str  # GX expectation type, e.g. "expect_column_values_to_be_between"
    column: str | None
    description_fi: str  # what was checked, in Finnish, for auditors
    blocking: bool  # a failure stops the run (non-zero exit)
    success: bool
    observed_fi: str  # observed value(s) in Finnish, e.g. "0 poikkeavaa 128 rivistä"
    element_count: int | None = None
    unexpected_count: int | None = None
    unexpected_examples: list[Any] = field(default_factory=list)
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class QualityReport:
    run_id: str  # e.g. "20261129T171200Z"
    started_at: str  # ISO 8601, UTC
    gx_version: str
    checks: list[CheckResult]

    @property
    def blocking_failures(self) -> list[CheckResult]:
        return [c for c in self.checks if c.blocking and not c.success]

    @property
    def warnings(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.blocking and not c.success]

    @property
    def passed(self) -> bool:
        return not self.blocking_failures

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "passed": self.passed}
