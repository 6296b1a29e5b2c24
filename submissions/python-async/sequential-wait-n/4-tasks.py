#!/usr/bin/env python3
"""wait_n, through task_wait_random."""
import asyncio
from typing import List

task_wait_random = __import__('3-tasks').task_wait_random


async def task_wait_n(n: int, max_delay: int) -> List[float]:
    """The n delays, in the order the tasks finished (so ascending)."""
    delays = []
    for finished in asyncio.as_completed([task_wait_random(max_delay) for _ in range(n)]):
        delays.append(await finished)
    return delays
