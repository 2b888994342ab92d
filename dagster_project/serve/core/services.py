"""What every request handler works with, made once per server by `app.create_app`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from .config import ServeSettings
from .cursors import Cursors
from .keys import KeyStore
from .ratelimit import RateLimiter
from .signin_throttle import SignInThrottle
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
    """The server's services, for code that has the request (the dashboard's pages)."""
    return request.app.state.services


async def services_dependency(request: Request) -> Services:
    # async: FastAPI runs a plain function dependency in a worker thread, a hop per request for a lookup
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(services_dependency)]
