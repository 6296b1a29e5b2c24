"""tracegrade's in-process instrumentation of a graded Python program (virtual clock, task trace)."""
