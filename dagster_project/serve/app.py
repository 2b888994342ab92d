"""The one server of SPEC §7 and §8: the Analytics API and the dashboard, over the published warehouse."""

from __future__ import annotations

import gc
from pathlib import Path

import plotly
import swagger_ui_bundle
from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

from .api import errors, models
from .api.answer_cache import AnswerCache
from .api.routers import router as api_router
from .core.config import ServeSettings
from .core.cursors import Cursors
from .core.keys import KeyStore
from .core.ratelimit import RateLimiter
from .core.security import SecurityHeaders
from .core.server_state import SERVER_LOCK_WAIT
from .core.services import Services, ServicesDep
from .core.signin_throttle import SignInThrottle
from .core.warehouse import PublishedWarehouse, WarehouseUnavailable
from .dashboard import pages
from .dashboard.templating import unavailable_page

DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Usage analytics API</title>
<link rel="stylesheet" href="/static/swagger/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/static/swagger/swagger-ui-bundle.js"></script><script src="/static/docs.js"></script>
</body></html>"""


def create_app(settings: ServeSettings | None = None) -> FastAPI:
    settings = settings or ServeSettings.from_env()
    keys = KeyStore(settings.api_keys, timeout=SERVER_LOCK_WAIT)
    app = FastAPI(
        title="Usage analytics API",
        version="1.0.0",
        description="Analytics of one organisation, read with its API key (`x-api-key`). Pages: pass `next_page` "
        "back as `page`. Dates are YYYY-MM-DD; `starting_date` is inclusive and `ending_date` exclusive. "
        "Money is a decimal string with 6 places. Errors: `{type: error, error: {type, message}}`.",
        docs_url=None,
        redoc_url=None,  # /docs below: Swagger UI from its package, offline
    )
    app.state.services = services = Services(
        settings,
        PublishedWarehouse(settings.warehouse, memory_limit=settings.duckdb_memory_limit),
        keys,
        Cursors(keys.server_secret("cursors")),
        RateLimiter(settings.rate_limit_per_minute, settings.api_keys),
        SignInThrottle(settings.api_keys),
    )
    # the last added runs first: security headers wrap every answer, cached ones too
    app.add_middleware(AnswerCache, services=services)
    app.add_middleware(SecurityHeaders)
    errors.install(app, page_for_fault=unavailable_page)
    app.include_router(api_router)
    pages.install(app)

    # Plotly's bundled JavaScript, served once from the Python package: pages work offline
    plotly_js = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly_bundle():
        return FileResponse(plotly_js, media_type="text/javascript", headers={"cache-control": "public, max-age=86400"})

    app.mount("/static/swagger", StaticFiles(directory=str(swagger_ui_bundle.swagger_ui_path)), name="swagger")

    @app.get("/docs", include_in_schema=False)
    def docs():
        return HTMLResponse(DOCS_PAGE)

    app.mount("/static", StaticFiles(directory=Path(__file__).resolve().parent / "dashboard" / "static"), name="static")

    @app.get(
        "/v1/health",
        response_model=models.Health,
        tags=["health"],
        responses={503: errors.ERROR_RESPONSES[503]},
        summary="Is a warehouse served, and how recent",
    )
    async def health(services: ServicesDep):
        try:
            snapshot = services.warehouse.snapshot()
        except WarehouseUnavailable as exc:
            raise errors.ApiError(503, str(exc)) from None
        return {"status": "ok", "latest_built_date": snapshot.latest_date, "published_at": snapshot.published_at}

    return app


def create_served_app() -> FastAPI:
    """The app of one `make serve` worker process. What start-up made (the app, its models, imported
    modules) lives as long as the process: frozen out of the garbage collector's sweeps, a full
    collection in the middle of a request no longer walks it."""
    app = create_app()
    gc.collect()
    gc.freeze()
    return app
