"""The vendor's per-connector, per-artifact, per-project, per-skill and per-plugin activity (SPEC §7
"Vendor surface"): `client.organization.analytics.connectors.list`, `.artifacts.list`,
`.apps.chat.projects.list`, `.skills.list` and `.plugins.list` of the pinned SDK work against these
unchanged."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ....core.sources import PLUGIN_PRODUCTS, SHARE_STATUSES, SKILL_PRODUCTS
from ...queries import breakdowns, groups, skills_plugins
from ...queries.user_grain import fetch_breakdown
from .. import vendor_models as vm
from ..deps import EnterpriseCaller, ServicesDep
from ..errors import invalid
from ..reading import known_groups, offset_cursor, page_offset, warehouse_cursor
from ..shapes import rfc3339
from ..vendor_params import ActivityParams, ArtifactParams, activity_range, ordering, parse_filters, parse_group_by

router = APIRouter(tags=["vendor activity"])

NO_SESSIONS = {"distinct_session_connector_used_count": None}  # Claude Code, Cowork, Office: not held
NO_SKILL_SESSIONS = {"distinct_session_skill_used_count": None}  # Office: not held


def page(services, caller, breakdown, days, query, params: dict, shape, *, group_by: list[str], filters: dict, **options) -> dict:
    """One offset-paged page of a breakdown, in the vendor's page shape: scoped to the RBAC groups
    of `filter[]=rbac_group_id:…` and split by group with `group_by[]=rbac_group_id` (SPEC §7)."""
    offset = page_offset(services, caller, breakdown.name, params, query.page)
    filters = dict(filters)
    with warehouse_cursor(services) as (cursor, snapshot):
        scope = known_groups(snapshot, caller, filters.pop("rbac_group_id", None))
        rows, more = fetch_breakdown(
            cursor, breakdown, caller.organization_id, days, group_by=group_by, filters=filters, groups=scope,
            limit=query.limit, offset=offset, **options,
        )  # fmt: skip
        names = (
            groups.group_names(cursor, caller.organization_id, {r["rbac_group_id"] for r in rows})
            if "rbac_group_id" in group_by
            else {}
        )
    next_page = offset_cursor(services, caller, breakdown.name, params, offset + len(rows)) if more else None
    return {"data": [{**shape(row), **grouped_keys(row, group_by, names)} for row in rows], "next_page": next_page}


def ranked_page(services, caller, breakdown, days, query, shape, group_by: list[str], filters: dict, order: tuple) -> dict:
    """One page of a breakdown in the asked order (`order`: the sort column or metric, descending?);
    the cursor carries the request's days, dimensions, filters and order."""
    params = {"days": days, "group_by": group_by, "filters": filters, "order": order}
    order_by, descending = order
    return page(
        services, caller, breakdown, days, query, params, shape,
        group_by=group_by, filters=filters, order_by=order_by, descending=descending,
    )  # fmt: skip


def grouped_keys(row: dict, group_by: list[str], names: dict) -> dict:
    """The dimensions a row is broken out by; a group's name beside its id (null once deleted)."""
    keys = {dimension: row[dimension] for dimension in group_by}
    if "rbac_group_id" in keys:
        keys["rbac_group_name"] = names.get(row["rbac_group_id"])
    return keys


@router.get(
    "/connectors",
    response_model=vm.ConnectorPage,
    response_model_exclude_unset=True,
    summary="Activity per connector (vendor shape)",
)
async def connectors(query: Annotated[ActivityParams, Query()], caller: EnterpriseCaller, services: ServicesDep):
    """One row per connector for a day (`date`) or rolled up over a range (`starting_date`): distinct
    users (exact over the range), in the shape of the vendor's `connectors.list`."""
    start, end, is_range = activity_range(query, caller.latest_date, caller.first_date)
    group_by = parse_group_by(query.group_by, ("product", "rbac_group_id", "user_id"))
    filters = parse_filters(query.filter, ("connector_name", "product", "rbac_group_id", "user_id"))
    order_by, descending = ordering(query, "connector_name", ("distinct_user_count",))
    breakdown = breakdowns.connector_activity(per_user_day=not is_range and "user_id" in group_by)

    def shape(row: dict) -> dict:
        return {
            "connector_name": row["connector_name"],
            "distinct_user_count": row["distinct_user_count"],
            "chat_metrics": {"distinct_conversation_connector_used_count": row["conversations"]},
            "claude_code_metrics": NO_SESSIONS,
            "cowork_metrics": NO_SESSIONS,
            "office_metrics": {product: NO_SESSIONS for product in ("excel", "outlook", "powerpoint", "word")},
        }

    return ranked_page(services, caller, breakdown, (start, end), query, shape, group_by, filters, (order_by, descending))


@router.get(
    "/artifacts",
    response_model=vm.ArtifactPage,
    response_model_exclude_unset=True,
    summary="Artifacts created per type (vendor shape)",
)
async def artifacts(query: Annotated[ArtifactParams, Query()], caller: EnterpriseCaller, services: ServicesDep):
    """The day's non-empty (artifact_type, is_shared) buckets, whole; with `group_by[]` split by the
    dimensions and paged, in the shape of the vendor's `artifacts.list`."""
    start, end, _ = activity_range(ActivityParams(date=query.date), caller.latest_date, caller.first_date)
    group_by = parse_group_by(query.group_by, ("product", "rbac_group_id", "user_id"))
    filters = parse_filters(query.filter, ("artifact_type", "is_shared", "product", "rbac_group_id", "user_id"))
    if query.page and not group_by:
        raise invalid("page applies only with group_by[]: the ungrouped buckets come whole")
    whole = query if group_by else query.model_copy(update={"limit": 1000})

    def shape(row: dict) -> dict:
        return {
            "artifact_type": row["artifact_type"],
            "is_shared": row["is_shared"],
            "artifacts_created_count": row["artifacts_created_count"],
            "distinct_user_count": row["distinct_user_count"],
            "published_artifacts_created_count": None,
        }

    params = {"days": (start, end), "group_by": group_by, "filters": filters}
    return page(
        services, caller, breakdowns.ARTIFACT_ACTIVITY, (start, end), whole, params, shape,
        group_by=group_by, filters=filters,
    )  # fmt: skip


@router.get(
    "/apps/chat/projects",
    response_model=vm.ProjectPage,
    response_model_exclude_unset=True,
    summary="Activity per project (vendor shape)",
)
async def projects(query: Annotated[ActivityParams, Query()], caller: EnterpriseCaller, services: ServicesDep):
    """One row per project used on a day (`date`) or over a range (`starting_date`): distinct users
    (exact over the range), messages, conversations, its name and creator, in the shape of the
    vendor's `apps.chat.projects.list`."""
    start, end, is_range = activity_range(query, caller.latest_date, caller.first_date)
    group_by = parse_group_by(query.group_by, ("rbac_group_id", "user_id"))
    filters = parse_filters(query.filter, ("project_id", "rbac_group_id", "user_id"))
    order_by, descending = ordering(query, "project_id", ("distinct_user_count", "message_count"))
    if is_range:
        conversations = "not_countable"
    elif "user_id" in group_by:
        conversations = "per_user_day"
    else:
        # the project's own count is of every user's chats: not of some users' (a user or group scope)
        scoped = "user_id" in filters or "rbac_group_id" in filters or "rbac_group_id" in group_by
        conversations = "not_countable" if scoped else "per_project_day"
    breakdown = breakdowns.project_activity(breakdowns.PROJECT_CONVERSATIONS[conversations])

    def shape(row: dict) -> dict:
        creator = row["created_by"]
        return {
            "project_id": row["project_id"],
            "project_name": row["project_name"],
            "created_at": rfc3339(row["created_at"]) if row["created_at"] else None,
            "created_by": {"id": creator, "email_address": row["created_by_email"], "type": "user"} if creator else None,
            "distinct_user_count": row["distinct_user_count"],
            "message_count": row["message_count"],
            "distinct_conversation_count": row["distinct_conversation_count"],
        }

    return ranked_page(services, caller, breakdown, (start, end), query, shape, group_by, filters, (order_by, descending))


def checked_values(filters: dict, dimension: str, held: tuple[str, ...], known: tuple[str, ...] = ()) -> None:
    """A filter value this warehouse holds, or one the vendor knows that this warehouse never has
    (it matches nothing); anything else is a 400 naming the values."""
    for value in filters.get(dimension, []):
        if value not in held and value not in known:
            raise invalid(f"filter[] {dimension}:{value}: {dimension} is one of {', '.join(held)} here")


@router.get(
    "/skills",
    response_model=vm.SkillPage,
    response_model_exclude_unset=True,
    summary="Activity per skill (vendor shape)",
)
async def skills(query: Annotated[ActivityParams, Query()], caller: EnterpriseCaller, services: ServicesDep):
    """One row per skill used (or enabled) on a day (`date`), or used over a range (`starting_date`):
    distinct users (exact over the range), invocations, users who enabled it that day, in the shape of
    the vendor's `skills.list`. Sorted by skill name unless `order_by` names a metric."""
    start, end, is_range = activity_range(query, caller.latest_date, caller.first_date)
    group_by = parse_group_by(query.group_by, ("product", "rbac_group_id", "user_id"))
    filters = parse_filters(query.filter, ("product", "rbac_group_id", "share_status", "skill_name", "user_id"))
    checked_values(filters, "product", SKILL_PRODUCTS, known=("office_agent",))
    checked_values(filters, "share_status", SHARE_STATUSES)
    order_by, descending = ordering(query, "skill_name", ("distinct_user_count", "invocation_count", "enable_count"))
    # enables are org-wide and per day: a range, or rows scoped to some users or products, have none
    scoped = {"user_id", "rbac_group_id", "product", "share_status"} & (set(filters) | set(group_by))
    breakdown = skills_plugins.skill_activity(
        per_user_day=not is_range and "user_id" in group_by, with_enables=not is_range and not scoped
    )

    def shape(row: dict) -> dict:
        return {
            "skill_name": row["skill_name"],
            "skill_display_name": row["skill_display_name"],
            "share_status": row["share_status"],
            "distinct_user_count": row["distinct_user_count"],
            "invocation_count": row["invocation_count"],
            "enable_count": row["enable_count"],
            "chat_metrics": {"distinct_conversation_skill_used_count": row["chat_conversations"]},
            "claude_code_metrics": {"distinct_session_skill_used_count": row["claude_code_sessions"]},
            "cowork_metrics": {"distinct_session_skill_used_count": row["cowork_sessions"]},
            "office_metrics": {product: NO_SKILL_SESSIONS for product in ("excel", "outlook", "powerpoint", "word")},
            "estimated_overage_spend": None,
            "attributed_list_price": None,
            "currency": None,
        }

    return ranked_page(services, caller, breakdown, (start, end), query, shape, group_by, filters, (order_by, descending))


@router.get(
    "/plugins",
    response_model=vm.PluginPage,
    response_model_exclude_unset=True,
    summary="Activity per plugin (vendor shape)",
)
async def plugins(query: Annotated[ActivityParams, Query()], caller: EnterpriseCaller, services: ServicesDep):
    """One row per plugin used or installed on a day (`date`) or over a range (`starting_date`):
    distinct users and installers (exact over the range), invocations, in the shape of the vendor's
    `plugins.list`. Sorted by plugin name unless `order_by` names a metric."""
    start, end, is_range = activity_range(query, caller.latest_date, caller.first_date)
    group_by = parse_group_by(query.group_by, ("product", "rbac_group_id", "user_id"))
    filters = parse_filters(query.filter, ("plugin_id", "plugin_name", "product", "rbac_group_id", "user_id"))
    checked_values(filters, "product", PLUGIN_PRODUCTS)
    order_by, descending = ordering(query, "plugin_name", ("distinct_user_count", "install_count", "invocation_count"))
    breakdown = skills_plugins.plugin_activity(
        per_user_day=not is_range and "user_id" in group_by,
        with_installs="product" not in filters and "product" not in group_by,
    )

    def shape(row: dict) -> dict:
        return {
            "plugin_id": row["plugin_id"],
            "plugin_name": row["plugin_name"],
            "distinct_user_count": row["distinct_user_count"],
            "install_count": row["install_count"],
            "invocation_count": row["invocation_count"],
            "claude_code_metrics": {"distinct_session_plugin_used_count": row["claude_code_sessions"]},
            "cowork_metrics": {"distinct_session_plugin_used_count": row["cowork_sessions"]},
        }

    return ranked_page(services, caller, breakdown, (start, end), query, shape, group_by, filters, (order_by, descending))
