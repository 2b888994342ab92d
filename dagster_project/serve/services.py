"""What every request handler works with, made once per server by `app.create_app`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from .api.pagination import Cursors
from .api.ratelimit import RateLimiter
from .config import ServeSettings
from .dashboard.session import SignInThrottle
from .keys import KeyStore
from .warehouse import PublishedWarehouse


@dataclass
class Services:
    settings: ServeSettings
    warehouse: PublishedWarehouse
    keys: KeyStore
    cursors: Cursors
    limiter: RateLimiter
    signin_throttle: SignInThrottle


def get_services(request: Request) -> Services:
    """A FastAPI dependency: the server's services (declared as `ServicesDep`)."""
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(get_services)]
