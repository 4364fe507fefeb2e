"""API schemas of the process dashboard: stage metrics, daily series, drill-down and stage targets."""

import datetime
from decimal import Decimal

from ninja import Field, Schema

from salesops.core.api.listing import MAX_ID


class MetricsFilters(Schema):
    start: datetime.date | None = Field(None, description="First day (company time zone); default: 29 days before end.")
    end: datetime.date | None = Field(None, description="Last day included; default: today.")
    group_by: str | None = Field(
        None, description="region, office, salesperson, customer_group or product_line; none: one row per stage."
    )
    region: int | None = Field(None, ge=1, le=MAX_ID, description="Region (org unit id).")
    office: int | None = Field(None, ge=1, le=MAX_ID, description="Office (org unit id).")
    salesperson: int | None = Field(None, ge=1, le=MAX_ID, description="Salesperson (user id).")
    customer_group: int | None = Field(None, ge=1, le=MAX_ID, description="Customer group id.")
    product_line: int | None = Field(None, ge=1, le=MAX_ID, description="Product line id.")
    stage: list[str] = Field(default_factory=list, description="Stage keys to include (repeatable); default: all.")


class StageFiguresOut(Schema):
    stage: str
    label: str
    group: int | None = Field(description="The id of the group (region, office, ...) or null when not grouped.")
    group_label: str | None = None
    in_stage: int = Field(description="Documents in the stage now.")
    arrivals: int = Field(description="Documents that entered the stage in the period.")
    completions: int = Field(description="Documents that left the stage in the period.")
    delayed: int = Field(description="Of those, how many took longer than the stage's target.")
    delay_rate: float | None = Field(description="delayed / completions.")
    median_hours: float | None = Field(description="Median time in stage of the completions (within 1 %).")
    p90_hours: float | None = Field(description="90th percentile time in stage (within 1 %).")


class MetricsOut(Schema):
    start: datetime.date
    end: datetime.date
    group_by: str | None
    stages: list[StageFiguresOut]


class DayOut(Schema):
    day: datetime.date
    arrivals: int
    completions: int
    delayed: int


class DailyOut(Schema):
    start: datetime.date
    end: datetime.date
    series: dict[str, list[DayOut]]


class DrillFilters(MetricsFilters):
    measure: str = Field("completions", description="in_stage, arrivals, completions or delayed.")
    group: int | None = Field(None, ge=0, le=MAX_ID, description="The group's id, with group_by.")


class VisitOut(Schema):
    subject_type: str
    subject_id: int
    label: str
    url: str | None
    entered_at: datetime.datetime
    left_at: datetime.datetime | None
    hours_in_stage: float | None
    is_delayed: bool
    region_id: int
    office_id: int
    salesperson_id: int


class StageOut(Schema):
    key: str
    label: str
    subject_type: str
    enter: list[str]
    leave: list[str]
    target_hours: int
    default_target_hours: int


class StageTargetIn(Schema):
    target_hours: int = Field(gt=0, le=24 * 366, description="Target time in stage, in hours.")


class AlertRuleIn(Schema):
    name: str = Field(max_length=200)
    stage: str = Field(description="A stage key (see /stages).")
    metric: str = Field(description="delay_rate, in_stage, arrivals, completions, median_hours or p90_hours.")
    per: str = Field("region", description="company or region.")
    condition: str = Field(description="above, below (with threshold) or anomaly (with deviations, history_weeks).")
    threshold: Decimal | None = Field(None, description="Rates as fractions: 0.15 for 15 %.")
    deviations: Decimal = Field(Decimal(3), gt=0, le=100)
    history_weeks: int = Field(8, ge=1, le=52)
    min_volume: int = Field(20, ge=0, le=1_000_000)
    owner_id: int | None = Field(None, ge=1, le=MAX_ID, description="Who owns its alerts; default: the caller.")
    is_active: bool = True


class AlertRuleOut(Schema):
    id: int
    name: str
    stage: str
    metric: str
    per: str
    condition: str
    threshold: Decimal | None
    deviations: Decimal
    history_weeks: int
    min_volume: int
    owner_id: int
    is_active: bool


class AlertOut(Schema):
    id: int
    rule_id: int
    region_id: int = Field(description="0 for a company-wide alert.")
    day: datetime.date
    value: Decimal
    expected: Decimal | None
    volume: int
    message: str
    status: str
    owner_id: int
    opened_at: datetime.datetime
    fired_count: int
    last_value: Decimal
    acknowledged_at: datetime.datetime | None
    resolved_at: datetime.datetime | None
    comment: str
    documents_url: str = Field(description="The drill-down to the documents behind the alert.")


class AlertFilters(Schema):
    status: str | None = Field(None, description="open, acknowledged or resolved.")
    rule: int | None = Field(None, ge=1, le=MAX_ID)
    region: int | None = Field(None, ge=0, le=MAX_ID, description="0: company-wide alerts.")


class AlertMoveIn(Schema):
    comment: str = Field("", max_length=500)
