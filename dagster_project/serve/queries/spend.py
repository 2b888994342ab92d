"""What it costs: spend per day and model, to date, by model, per person, forecast and alerts
(SPEC §4, §7 spend endpoints)."""

from .activity import AS_OF, EMAIL, FULL_NAME, USER_ID
from .adoption import WINDOW, window_order
from .common import DATE, IN_DATE_RANGE, Col, Listing, daily_listing, in_mart
from .windows import SPEND_TOTAL_WINDOWS

SPEND_DAILY = Listing(
    name="spend_daily",
    source="(select organization_id, date, sum(spend_usd) as spend_usd, sum(input_tokens) as input_tokens, "
    "sum(output_tokens) as output_tokens from marts.spend_daily "
    f"where organization_id = $organization_id and {IN_DATE_RANGE} "
    "group by all) as per_day",
    columns=(
        DATE,
        Col("model", "text", "The model with group_by=model; null otherwise.", nullable=True, expr="cast(null as varchar)"),
        Col("spend_usd", "money", "Billed spend of the day."),
        Col("input_tokens", "int", "Input tokens."),
        Col("output_tokens", "int", "Output tokens."),
    ),
    key=("date",),
)

SPEND_DAILY_BY_MODEL = daily_listing(
    "spend_daily_by_model",
    "marts.spend_daily",
    (
        Col("model", "text"),
        Col("spend_usd", "money"),
        Col("input_tokens", "int", "Input tokens."),
        Col("output_tokens", "int", "Output tokens."),
    ),
    key=("date", "model"),
)

BUDGET = "cast($budget_usd as decimal(18, 2))"

SPEND_TOTALS = Listing(
    name="spend_totals",
    source="marts.spend_totals",
    columns=(
        AS_OF,
        WINDOW,
        Col("spend_usd", "money"),
        # the organisation's monthly budget (make budget) is operational configuration, not data:
        # it is read from the notification store on each request, so a new budget shows at once
        Col(
            "budget_usd",
            "money",
            "The organisation's monthly budget (USD) on the mtd row; null on other rows and when none is set.",
            nullable=True,
            expr=f"case when \"window\" = 'mtd' then {BUDGET} end",
        ),
        Col(
            "budget_used",
            "number",
            "Month-to-date spend divided by the monthly budget, a fraction (1.0 = all of it), on the mtd row; "
            "null on other rows and without a budget.",
            nullable=True,
            expr=f"case when \"window\" = 'mtd' then round(spend_usd / {BUDGET}, 6) end",
        ),
        window_order(SPEND_TOTAL_WINDOWS),
    ),
    key=("window_order",),
    where="as_of_date = $as_of_date",
)

SPEND_BY_MODEL = Listing(
    name="spend_by_model",
    source="marts.spend_by_model",
    columns=(AS_OF, WINDOW, Col("model", "text"), Col("spend_usd", "money")),
    key=("model",),
    where='as_of_date = $as_of_date and "window" = $window',
)

SPEND_FORECAST = Listing(
    name="spend_forecast",
    source="marts.spend_forecast",
    columns=(
        AS_OF,
        Col("spend_mtd_usd", "money"),
        Col("days_elapsed", "int"),
        Col("days_in_month", "int"),
        Col("projected_month_usd", "money"),
        Col("previous_month_usd", "money"),
    ),
    key=("as_of_date",),
    where="as_of_date = $as_of_date",
)

SPEND_ALERTS = daily_listing(
    "spend_alerts",
    "marts.spend_alerts",
    (
        Col("spend_usd", "money"),
        Col("baseline_usd", "money"),
        Col("ratio", "number", nullable=True),
    ),
)

# per person over any range: the dashboard's "Export Spend Report"
USER_SPEND_REPORT = Listing(
    name="user_spend_report",
    source="(select organization_id, user_id, any_value(email order by date desc) as email, "
    "any_value(full_name order by date desc) as full_name, sum(spend_usd) as spend_usd, "
    "sum(input_tokens) as input_tokens, sum(output_tokens) as output_tokens "
    "from marts.user_activity_daily where organization_id = $organization_id "
    f"and {IN_DATE_RANGE} group by all "
    "having sum(spend_usd) <> 0 or sum(input_tokens) + sum(output_tokens) > 0) as per_user",
    columns=(
        *in_mart("user_activity_daily", USER_ID, EMAIL, FULL_NAME),
        Col("spend_usd", "money", "Billed spend over the range."),
        Col("input_tokens", "int", "Input tokens over the range."),
        Col("output_tokens", "int", "Output tokens over the range."),
    ),
    key=("user_id",),
)
