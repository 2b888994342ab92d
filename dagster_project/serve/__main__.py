"""`make serve`: the API and the dashboard on ANALYTICS_API_HOST:ANALYTICS_API_PORT (default 127.0.0.1:8000)."""

import uvicorn

from .app import create_app
from .config import ServeSettings


def main() -> None:
    settings = ServeSettings.from_env()
    print(f"serving {settings.warehouse} on http://{settings.host}:{settings.port} (API docs: /docs, dashboard: /)", flush=True)
    uvicorn.run(
        create_app(settings), host=settings.host, port=settings.port, log_level="info", access_log=False, server_header=False
    )


if __name__ == "__main__":
    main()
