"""Requests per organisation per minute (SPEC §7: ANALYTICS_API_RATE_LIMIT, 429 with retry-after)."""

from __future__ import annotations

import math
import threading
import time


class RateLimiter:
    """A token bucket per organisation: `per_minute` requests, refilled evenly over the minute."""

    def __init__(self, per_minute: int):
        self.capacity = max(1, per_minute)
        self.rate = self.capacity / 60.0
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """0 when the request may go ahead, else the seconds to wait."""
        moment = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.capacity), moment))
            tokens = min(self.capacity, tokens + (moment - last) * self.rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, moment)
                return 0.0
            self._buckets[key] = (tokens, moment)
            return (1 - tokens) / self.rate

    @staticmethod
    def retry_after(wait: float) -> str:
        return str(max(1, math.ceil(wait)))
