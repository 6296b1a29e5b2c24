// The side channel to the parent, as the Python tracer speaks it (runtime/python/_tracegrade/
// channel.py): one `json<TAB>hmac` record per line, numbered from 0, signed with the run's key.
// The fd is one end of a socket pair, in blocking mode in the child, so a request waits for the
// parent's one-line answer with a plain fs.readSync: the event loop stands still meanwhile,
// which is the point (time may only move when the parent says so).
// Everything it calls is taken at preload time (fs.writeSync, JSON.stringify, the Hmac's
// methods…), so a program that patches them later cannot see or redirect a record; the key
// never enters the environment: the parent writes it as the channel's first line, and it lives
// only in this closure.
'use strict';
const fs = require('fs');
const { createHmac } = require('crypto');

const writeSync = fs.writeSync;
const readSync = fs.readSync;
const stringify = JSON.stringify;
const apply = Reflect.apply;
const bufferFrom = Buffer.from;
const bufferAlloc = Buffer.alloc;
const hrtime = process.hrtime; // the real one: the virtual clock fakes process.hrtime later
const HmacProto = Object.getPrototypeOf(createHmac('sha256', 'x'));
const hmacUpdate = HmacProto.update;
const hmacDigest = HmacProto.digest;
const toStr = Buffer.prototype.toString;
const sign = (key, body) => apply(toStr, apply(hmacDigest, apply(hmacUpdate, createHmac('sha256', key), [body]), []), ['hex', 0, 16]);

const REPLY_MAX = 64;

class Channel {
  constructor(fd, key, stamp) {
    this.fd = fd;
    const k = bufferFrom(key || '', 'utf8');
    this.sign = (body) => sign(k, body);
    this.n = 0;
    /** Real µs spent waiting for the parent's replies (the structure tracer does not count them as the program's). */
    this.waitedUs = 0;
    this.broken = fd === null;
    /** () => [v, r]: the record's virtual µs (the parent's last grant) and real µs since start. */
    this.stamp = stamp;
  }

  write(rec) {
    rec.n = this.n++;
    const [v, r] = this.stamp();
    rec.v = v;
    rec.r = r;
    const body = stringify(rec);
    const data = bufferFrom(`${body}\t${this.sign(body)}\n`, 'utf8');
    let off = 0;
    while (off < data.length) off += writeSync(this.fd, data, off);
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
    const t0 = hrtime();
    try {
      return this.ask(rec);
    } finally {
      const [s, ns] = hrtime(t0);
      this.waitedUs += s * 1e6 + ns / 1e3;
    }
  }

  ask(rec) {
    try {
      this.write(rec);
      const buf = bufferAlloc(REPLY_MAX);
      let len = 0;
      while (len < REPLY_MAX && buf[len - 1] !== 0x0a) {
        let k;
        try {
          k = readSync(this.fd, buf, len, REPLY_MAX - len, null);
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

/** The key line the parent writes first on the channel (a blocking socket: it waits for it). */
function readKey(fd) {
  const buf = bufferAlloc(REPLY_MAX);
  let len = 0;
  try {
    while (len < REPLY_MAX && buf[len - 1] !== 0x0a) {
      let k;
      try {
        k = readSync(fd, buf, len, 1, null); // byte by byte: nothing past the key is taken
      } catch (e) {
        if (e.code !== 'EAGAIN') throw e;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
        continue;
      }
      if (k === 0) break;
      len += k;
    }
  } catch (e) {
    return '';
  }
  return buf.toString('ascii', 0, len).trim();
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
  return new Channel(ok ? fd : null, key || (ok ? readKey(fd) : ''), stamp);
}

module.exports = { openChannel };
