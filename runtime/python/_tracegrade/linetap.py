"""The tap on sys.stdout / sys.stderr: forwards every write, reports each complete line.

Forwarding and line-splitting happen under one lock, so lines that threads print at once are
split exactly as the parent receives them (the parent checks every line record against them).

It also counts the newlines it has forwarded: a clock jump tells the parent how many lines to
wait for before it moves time (the parent stamps lines, not the child).
"""


import threading


class LineTap:
    """Forwards to the real stream and reports each complete line with its time and task."""

    MAX = 65536

    def __init__(self, stream, name, state):
        self._tg_stream = stream
        self._tg_name = name
        self._tg_state = state
        self._tg_buf = []
        self._tg_len = 0
        self.tg_newlines = 0
        self._tg_lock = threading.RLock()  # re-entrant: a signal handler may print mid-write

    def write(self, s):
        with self._tg_lock:
            n = self._tg_stream.write(s)
            if isinstance(s, str) and s:
                self.tg_newlines += s.count("\n")
                try:
                    self._tg_lines(s)
                except Exception:
                    pass
        return n

    def _tg_lines(self, s):
        while s:
            i = s.find("\n")
            if i < 0:
                if self._tg_len <= self.MAX:
                    self._tg_buf.append(s)
                self._tg_len += len(s)
                return
            head, s = s[:i], s[i + 1 :]
            if self._tg_len <= self.MAX:
                self._tg_buf.append(head)
            long = self._tg_len + len(head) > self.MAX
            text = "".join(self._tg_buf)
            self._tg_buf, self._tg_len = [], 0
            if not long:
                self._tg_state.line(self._tg_name, text, False)

    def tg_flush_partial(self):
        if self._tg_buf and self._tg_len <= self.MAX:
            self._tg_state.line(self._tg_name, "".join(self._tg_buf), True)
        self._tg_buf, self._tg_len = [], 0

    def writelines(self, lines):
        for l in lines:
            self.write(l)

    def flush(self):
        return self._tg_stream.flush()

    def __getattr__(self, name):
        return getattr(self._tg_stream, name)

    def __iter__(self):
        return iter(self._tg_stream)
