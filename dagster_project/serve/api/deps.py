"""The typed dependencies handlers declare: the server's services and the caller, by what it may read."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from ..core.services import ServicesDep
from .auth import Caller, enterprise, spend_reader

__all__ = ["EnterpriseCaller", "ServicesDep", "SpendCaller"]

# an Enterprise organisation's key (SPEC §7)
EnterpriseCaller = Annotated[Caller, Depends(enterprise)]
# ... that may read spend: not role admin, and the organisation's spend reports are not hidden
SpendCaller = Annotated[Caller, Depends(spend_reader)]
