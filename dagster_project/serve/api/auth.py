"""Who is calling (SPEC §7): the key in `x-api-key`, its organisation, role and plan.

401 for a missing, unknown or revoked key; 429 when the organisation is over its rate; 403 for
a Team organisation (the API is for Enterprise) and, on spend, for role admin and for
organisations whose spend reports are hidden. No endpoint takes an organisation id: a key reads
its own organisation only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fastapi import Depends, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from ..core.access import spend_withheld
from ..core.keys import ApiKey
from ..core.services import ServicesDep
from .errors import ApiError

api_key_header = APIKeyHeader(
    name="x-api-key",
    auto_error=False,
    scheme_name="ApiKey",
    description="An organisation's API key, made with `make api-key ORG=... ROLE=...`.",
)
# the vendor's current Python SDK sends the same key as `Authorization: Bearer <key>`; accepting it
# keeps an integration written for the vendor's API working against this server unchanged
bearer = HTTPBearer(
    auto_error=False, scheme_name="BearerApiKey", description="The same API key as a bearer token (what the vendor's SDK sends)."
)


@dataclass(frozen=True)
class Organization:
    organization_id: str
    plan: str | None  # on its latest built date; None when the warehouse does not hold it
    spend_hidden: bool


@dataclass(frozen=True)
class Caller:
    key: ApiKey
    organization: Organization
    latest_date: dt.date | None
    first_date: dt.date | None = None  # the organisation's first day in the warehouse

    @property
    def organization_id(self) -> str:
        return self.key.organization_id

    @property
    def may_read_spend(self) -> bool:
        return spend_withheld(self.key.role, self.organization.spend_hidden) is None


def organization_facts(services, organization_id: str) -> tuple[Organization, dt.date | None, dt.date | None]:
    """The organisation, the warehouse's latest date and the organisation's first day in it."""
    snapshot = services.warehouse.snapshot()
    plan, hidden, first = snapshot.organizations.get(organization_id, (None, False, None))
    return Organization(organization_id, plan, hidden), snapshot.latest_date, first


async def authenticated(
    services: ServicesDep,
    header_key: str | None = Security(api_key_header),
    bearer_key: HTTPAuthorizationCredentials | None = Security(bearer),
) -> Caller:
    presented = header_key or (bearer_key.credentials if bearer_key else None)
    if not presented:
        raise ApiError(401, "missing x-api-key header: send your organisation's API key")
    key = services.keys.verify(presented)
    if key is None:
        raise ApiError(401, "invalid API key: it is unknown or has been revoked")
    wait = services.limiter.take(key.organization_id)
    if wait:
        raise ApiError(
            429,
            f"rate limit of {services.settings.rate_limit_per_minute} requests per minute "
            f"exceeded for this organisation; retry in {services.limiter.retry_after(wait)} s",
            {"retry-after": services.limiter.retry_after(wait)},
        )
    organization, latest, first = organization_facts(services, key.organization_id)
    return Caller(key, organization, latest, first)


async def enterprise(caller: Caller = Depends(authenticated)) -> Caller:
    if caller.organization.plan != "enterprise":
        plan = f"the {caller.organization.plan} plan" if caller.organization.plan else "no plan this warehouse knows of"
        raise ApiError(403, f"the Analytics API is for Enterprise organisations; {caller.organization_id} is on {plan}")
    return caller


async def spend_reader(caller: Caller = Depends(enterprise)) -> Caller:
    require_spend(caller)
    return caller


SPEND_REFUSALS = {
    "admin": "role admin may not read spend: use a key of an owner or the primary owner",
    "hidden": "spend reports are hidden for this organisation (enterprise plan, seat-based billing, no extra usage)",
}


def require_spend(caller: Caller) -> None:
    withheld = spend_withheld(caller.key.role, caller.organization.spend_hidden)
    if withheld:
        raise ApiError(403, SPEND_REFUSALS[withheld])
