#!/usr/bin/env python3
"""An asynchronous coroutine that waits a random delay."""
import random
import time


async def wait_random(max_delay: int = 10) -> float:
    """Wait a random delay between 0 and max_delay seconds and return it."""
    delay = random.uniform(0, max_delay)
    time.sleep(delay)
    return delay
