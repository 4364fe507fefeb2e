"""API schemas of the process dashboard: stage metrics, daily series, drill-down and stage targets."""

import datetime

from ninja import Field, Schema


class MetricsFilters(Schema):
    start: datetime.date | None = Field(None, description="First day (company time zone); default: 29 days before end.")
    end: datetime.date | None = Field(None, description="Last day included; default: today.")
    group_by: str | None = Field(
        None, description="region, office, salesperson, customer_group or product_line; none: one row per stage."
    )
    region: int | None = Field(None, description="Region (org unit id).")
    office: int | None = Field(None, description="Office (org unit id).")
    salesperson: int | None = Field(None, description="Salesperson (user id).")
    customer_group: int | None = Field(None, description="Customer group id.")
    product_line: int | None = Field(None, description="Product line id.")
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
    group: int | None = Field(None, description="The group's id, with group_by.")


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
