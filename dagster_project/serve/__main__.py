"""`make serve`: the API and the dashboard on ANALYTICS_API_HOST:ANALYTICS_API_PORT (default 127.0.0.1:8000),
in ANALYTICS_API_WORKERS processes (default 2).

More than one process because a request spends much of its time in Python (routing, parameter
models, shaping rows), which one interpreter runs one thread at a time. Within a process the API's
handlers are `async` and read DuckDB on the event loop: a read takes a few milliseconds of CPU,
so threads would only queue for the same lock, and the thread hop FastAPI makes for a plain
handler cost more than it saved (make bench-api: 229-298 requests/s with handlers in threads,
315-354 on the loop, 2 processes). The dashboard's pages, heavier and fewer, still run in threads.

What the processes must agree on, they share: the published file (each process notices a
publish on its own, by the file's inode), the keys, sessions and cursor secret, the rate limits
and the sign-in throttle (the key store's SQLite file).
"""

import uvicorn

from .core.config import ServeSettings


def main() -> None:
    settings = ServeSettings.from_env()
    print(
        f"serving {settings.warehouse} on http://{settings.host}:{settings.port} with {settings.workers} worker "
        "process(es) (API docs: /docs, dashboard: /)",
        flush=True,
    )
    # an import string and a factory: each worker process builds its own app (its own DuckDB and SQLite
    # connections) from the same environment
    uvicorn.run(
        "dagster_project.serve.app:create_served_app",
        factory=True,
        workers=settings.workers,
        host=settings.host,
        port=settings.port,
        log_level="info",
        access_log=False,
        server_header=False,
    )


if __name__ == "__main__":
    main()
