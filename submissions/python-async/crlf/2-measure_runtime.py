#!/usr/bin/env python3
"""Measure the average time of one of wait_n's n coroutines."""
import asyncio
import time

wait_n = __import__('1-concurrent_coroutines').wait_n


def measure_time(n: int, max_delay: int) -> float:
    """Total time of wait_n(n, max_delay), divided by n."""
    start = time.perf_counter()
    asyncio.run(wait_n(n, max_delay))
    return (time.perf_counter() - start) / n
