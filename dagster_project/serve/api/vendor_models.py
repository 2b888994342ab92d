"""Response schemas of the vendor's list methods (SPEC §7 "Vendor surface"), field for field as the
pinned `anthropic` SDK's types declare them. A metric this warehouse does not hold is absent when
the type makes it optional, and null when the type requires the key (never invented);
docs/api.md's compatibility table lists which is which. This warehouse's own additions are
marked as such."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, Field

CENTS = Annotated[str, Field(pattern=r"^\d+\.\d{4}$", examples=["1234.5600"], description="US cents (6 decimals of dollars).")]
NOT_HELD = "Not held by this warehouse: null."


class SessionCount(BaseModel):
    distinct_session_connector_used_count: int | None = Field(None, description=NOT_HELD)


class ConnectorChatMetrics(BaseModel):
    distinct_conversation_connector_used_count: int | None = Field(
        None,
        description="Distinct conversations the connector was used in: on rows of one user and day (date mode with "
        "group_by[]=user_id); null on other rows, where conversations of several users or days cannot be told apart.",
    )


class OfficeMetrics(BaseModel):
    excel: SessionCount
    outlook: SessionCount
    powerpoint: SessionCount
    word: SessionCount


class ConnectorActivity(BaseModel):
    connector_name: str = Field(description="The connector as dumped (properties.connector).")
    distinct_user_count: int = Field(description="Distinct users who used it on the day, or over the whole range.")
    chat_metrics: ConnectorChatMetrics
    claude_code_metrics: SessionCount
    cowork_metrics: SessionCount
    office_metrics: OfficeMetrics
    product: str | None = Field(None, description="`chat` (with group_by[]=product): connector use is Claude.ai's.")
    user_id: str | None = Field(None, description="With group_by[]=user_id.")
    rbac_group_id: str | None = Field(None, description="With group_by[]=rbac_group_id.")
    rbac_group_name: str | None = Field(None, description="The group's name now; null once it is deleted.")


class ArtifactActivity(BaseModel):
    artifact_type: str = Field(description="properties.artifact_type as dumped.")
    is_shared: bool | None = Field(description="properties.is_shared; null where the dump does not say (optional).")
    artifacts_created_count: int
    distinct_user_count: int
    published_artifacts_created_count: int | None = Field(description=NOT_HELD)
    product: str | None = Field(None, description="`chat` (with group_by[]=product).")
    user_id: str | None = Field(None, description="With group_by[]=user_id.")
    rbac_group_id: str | None = Field(None, description="With group_by[]=rbac_group_id.")
    rbac_group_name: str | None = Field(None, description="The group's name now; null once it is deleted.")


class ProjectUser(BaseModel):
    id: str
    email_address: str | None = Field(description="In the members snapshot holding on the creation day; null if not a member.")
    type: str = Field("user", pattern="^user$")


class ProjectActivity(BaseModel):
    project_id: str
    project_name: str | None = Field(description="properties.name of project.created; null where the dump lacks it.")
    created_at: dt.datetime | None = Field(description="Its first project.created; null when created before the dumps.")
    created_by: ProjectUser | None
    distinct_user_count: int = Field(description="Distinct users who used it (SPEC §3) on the day, or over the range.")
    message_count: int
    distinct_conversation_count: int | None = Field(
        description="Distinct chats of the project used on the day; null in range mode and on rows filtered to some "
        "users, where one chat's days or users cannot be told apart."
    )
    user_id: str | None = Field(None, description="With group_by[]=user_id.")
    rbac_group_id: str | None = Field(None, description="With group_by[]=rbac_group_id.")
    rbac_group_name: str | None = Field(None, description="The group's name now; null once it is deleted.")


class SkillChatMetrics(BaseModel):
    distinct_conversation_skill_used_count: int | None = Field(
        None,
        description="Distinct conversations the skill was used in: on rows of one user and day (date mode with "
        "group_by[]=user_id); null on other rows, where conversations of several users or days cannot be told apart.",
    )


class SkillSessionMetrics(BaseModel):
    distinct_session_skill_used_count: int | None = Field(
        None,
        description="Distinct sessions the skill was used in: on rows of one user and day (date mode with "
        "group_by[]=user_id); null on other rows.",
    )


class SkillOfficeSessions(BaseModel):
    distinct_session_skill_used_count: int | None = Field(None, description=NOT_HELD)


class SkillOfficeMetrics(BaseModel):
    excel: SkillOfficeSessions
    outlook: SkillOfficeSessions
    powerpoint: SkillOfficeSessions
    word: SkillOfficeSessions


class SkillActivity(BaseModel):
    skill_name: str = Field(description="The skill's name, lower-cased (names are case-insensitive).")
    skill_display_name: str | None = Field(description="Of the latest use in the row's scope; null when it gave none.")
    share_status: str | None = Field(description="organization, private or public: of the latest use in the row's scope.")
    distinct_user_count: int = Field(description="Distinct users who used it on the day, or over the whole range (exact).")
    invocation_count: int | None = Field(description="skill.used events on the day or over the range.")
    enable_count: int | None = Field(
        description="Distinct users who enabled it on the day; null in range mode and when the request scopes to "
        "user_id, rbac_group_id, product or share_status."
    )
    chat_metrics: SkillChatMetrics
    claude_code_metrics: SkillSessionMetrics
    cowork_metrics: SkillSessionMetrics
    office_metrics: SkillOfficeMetrics
    estimated_overage_spend: str | None = Field(description=NOT_HELD + " (spend is not attributed to skills)")
    attributed_list_price: str | None = Field(description=NOT_HELD + " (spend is not attributed to skills)")
    currency: str | None = Field(description="Null: this warehouse attributes no amount to skills.")
    product: str | None = Field(None, description="With group_by[]=product: chat, claude_code or cowork.")
    user_id: str | None = Field(None, description="With group_by[]=user_id.")
    rbac_group_id: str | None = Field(None, description="With group_by[]=rbac_group_id.")
    rbac_group_name: str | None = Field(None, description="The group's name now; null once it is deleted.")


class PluginSessionMetrics(BaseModel):
    distinct_session_plugin_used_count: int | None = Field(
        None,
        description="Distinct sessions the plugin was used in: on rows of one user and day (date mode with "
        "group_by[]=user_id); null on other rows.",
    )


class PluginActivity(BaseModel):
    plugin_id: str | None = Field(description="The plugin's stable id.")
    plugin_name: str = Field(description="Its name on the last day of the row's days (a renamed plugin keeps its id).")
    distinct_user_count: int = Field(description="Distinct users who used or installed it on the day, or over the range.")
    install_count: int | None = Field(
        description="Distinct users who installed it on the day or over the range; null with a product filter or "
        "group_by[]=product (an install has no product)."
    )
    invocation_count: int = Field(description="plugin.used events on the day or over the range.")
    claude_code_metrics: PluginSessionMetrics
    cowork_metrics: PluginSessionMetrics
    product: str | None = Field(None, description="With group_by[]=product: claude_code or cowork.")
    user_id: str | None = Field(None, description="With group_by[]=user_id.")
    rbac_group_id: str | None = Field(None, description="With group_by[]=rbac_group_id.")
    rbac_group_name: str | None = Field(None, description="The group's name now; null once it is deleted.")


class ActivityPage(BaseModel):
    next_page: str | None = Field(description="Pass as `page` for the next page; null on the last.")


class ConnectorPage(ActivityPage):
    data: list[ConnectorActivity]


class ArtifactPage(ActivityPage):
    data: list[ArtifactActivity]


class ProjectPage(ActivityPage):
    data: list[ProjectActivity]


class SkillPage(ActivityPage):
    data: list[SkillActivity]


class PluginPage(ActivityPage):
    data: list[PluginActivity]


# --- the beta cost and usage reports ---------------------------------------------------------------


class Dimensions(BaseModel):
    model: str | None = Field(None, description="With group_by[]=model.")
    product: str | None = Field(None, description="With group_by[]=product: `chat` (Claude.ai) or `claude_code`.")
    rbac_group_id: str | None = Field(
        None, description="With group_by[]=rbac_group_id; null on the one row of users in no group that day."
    )


class CostResult(Dimensions):
    amount: CENTS
    currency: str = "USD"
    list_amount: str | None = Field(description=NOT_HELD + " (the ledger holds billed amounts only)")
    requests: int | None = Field(description="Usage records (each one metered request).")


class UsageResult(Dimensions):
    uncached_input_tokens: int = Field(description="input_tokens of the ledger.")
    cache_read_input_tokens: int
    cache_creation: None = Field(description=NOT_HELD + " (the ledger holds no 5m/1h split)")
    cache_creation_input_tokens: int = Field(description="This warehouse's own: cache-creation tokens, not split.")
    output_tokens: int
    requests: int | None
    server_tool_use: None = Field(description=NOT_HELD)


class Bucket(BaseModel):
    starting_at: dt.datetime
    ending_at: dt.datetime


class CostBucket(Bucket):
    results: list[CostResult]


class UsageBucket(Bucket):
    results: list[UsageResult]


class UserActor(BaseModel):
    type: str = Field("user_actor", pattern="^user_actor$")
    user_id: str
    email_address: str | None = Field(description="On the last day of the range with usage; null if not a member then.")
    name: str | None
    deleted: bool = Field(description="Not an active member on the last day of the range with usage.")


class UserRow(Dimensions):
    actor: UserActor
    starting_at: dt.datetime | None = Field(None, description="With bucket_width.")
    ending_at: dt.datetime | None = Field(None, description="With bucket_width.")


class UserCostRow(UserRow, CostResult):
    pass


class UserUsageRow(UserRow, UsageResult):
    total_tokens: int


class ReportPage(BaseModel):
    has_more: bool
    next_page: str | None
    data_refreshed_at: dt.datetime | None = Field(None, description="When the warehouse answering was published.")


class CostReportPage(ReportPage):
    data: list[CostBucket]


class UsageReportPage(ReportPage):
    data: list[UsageBucket]


class UserCostReportPage(ReportPage):
    data: list[UserCostRow]


class UserUsageReportPage(ReportPage):
    data: list[UserUsageRow]
