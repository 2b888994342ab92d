"""The Analytics API's endpoints (SPEC §7), one router per area, under one prefix."""

from fastapi import APIRouter, Depends

from ..errors import ERROR_RESPONSES
from ..params import no_repeated_parameters
from . import activity, adoption, claude_code, spend, vendor_activity, vendor_reports

router = APIRouter(
    prefix="/v1/organizations/analytics", responses=ERROR_RESPONSES, dependencies=[Depends(no_repeated_parameters)]
)
for area in (activity, adoption, claude_code, spend, vendor_activity, vendor_reports):
    router.include_router(area.router)
