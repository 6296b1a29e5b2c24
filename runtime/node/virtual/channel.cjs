// The side channel to the parent, as the Python tracer speaks it (runtime/python/_tracegrade/
// channel.py): one `json<TAB>hmac` record per line, numbered from 0, signed with the run's key.
// The fd is one end of a socket pair, in blocking mode in the child, so a request waits for the
// parent's one-line answer with a plain fs.readSync: the event loop stands still meanwhile,
// which is the point (time may only move when the parent says so).
'use strict';
const fs = require('fs');
const { createHmac } = require('crypto');

const REPLY_MAX = 64;

class Channel {
  constructor(fd, key, stamp) {
    this.fd = fd;
    this.key = Buffer.from(key || '', 'utf8');
    this.n = 0;
    this.broken = fd === null;
    /** () => [v, r]: the record's virtual µs (the parent's last grant) and real µs since start. */
    this.stamp = stamp;
  }

  write(rec) {
    rec.n = this.n++;
    const [v, r] = this.stamp();
    rec.v = v;
    rec.r = r;
    const body = JSON.stringify(rec);
    const sig = createHmac('sha256', this.key).update(body).digest('hex').slice(0, 32);
    const data = Buffer.from(`${body}\t${sig}\n`, 'utf8');
    let off = 0;
    while (off < data.length) off += fs.writeSync(this.fd, data, off);
  }

  /** Sends a record; never throws (a parent that is gone only breaks the channel). */
  send(rec) {
    if (this.broken) return;
    try {
      this.write(rec);
    } catch (e) {
      this.broken = true;
    }
  }

  /** Sends a record and waits for the parent's reply line; null when there is no parent. */
  request(rec) {
    if (this.broken) return null;
    try {
      this.write(rec);
      const buf = Buffer.alloc(REPLY_MAX);
      let len = 0;
      while (len < REPLY_MAX && buf[len - 1] !== 0x0a) {
        let k;
        try {
          k = fs.readSync(this.fd, buf, len, REPLY_MAX - len, null);
        } catch (e) {
          if (e.code !== 'EAGAIN') throw e;
          // A non-blocking fd (not what the runner gives): wait a millisecond and read again.
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
          continue;
        }
        if (k === 0) throw new Error('channel closed');
        len += k;
      }
      return buf.toString('ascii', 0, len).trim();
    } catch (e) {
      this.broken = true;
      return null;
    }
  }
}

/** The channel the parent named (and its key), both taken out of the environment. */
function openChannel(stamp) {
  const raw = process.env.TRACEGRADE_CHANNEL_FD;
  const key = process.env.TRACEGRADE_KEY;
  delete process.env.TRACEGRADE_CHANNEL_FD;
  delete process.env.TRACEGRADE_KEY;
  const fd = Number(raw);
  let ok = false;
  if (raw && Number.isInteger(fd) && fd > 2) {
    // Only the parent's socket: were fd 3 not given, Node's own event-loop fd could sit there.
    try {
      const st = fs.fstatSync(fd);
      ok = st.isSocket() || st.isFIFO();
    } catch (e) {
      /* no such fd */
    }
  }
  return new Channel(ok ? fd : null, key, stamp);
}

module.exports = { openChannel };
