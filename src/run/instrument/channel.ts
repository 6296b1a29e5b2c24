/**
 * The side channel's wire format: one `json<TAB>hmac` record per line, numbered from 0. Any line
 * that is not a well-signed record numbered exactly one past the previous one is a *problem*:
 * the tracer never writes one, so it means something else wrote to the channel.
 */

import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ChannelRecord } from './types.js';

/** Channel bytes kept per run: an output flood must not exhaust the harness's memory. */
export const CHANNEL_MAX_BYTES = 64 * 1024 * 1024;

export class ChannelReader {
  readonly records: ChannelRecord[] = [];
  readonly problems: string[] = [];
  /** The byte cap was reached: later records are lost (not a sign of tampering). */
  capped = false;
  private kept = 0;
  private tail: Buffer = Buffer.alloc(0);
  private lastN = -1;
  private readonly key: Buffer;

  constructor(key: string, private readonly onRecord?: (rec: ChannelRecord) => void) {
    this.key = Buffer.from(key, 'utf8');
  }

  push(chunk: Buffer): void {
    if (this.capped) return;
    let c = chunk;
    if (this.kept + c.length > CHANNEL_MAX_BYTES) {
      c = c.subarray(0, CHANNEL_MAX_BYTES - this.kept);
      this.capped = true;
    }
    this.kept += c.length;
    let data = this.tail.length ? Buffer.concat([this.tail, c]) : c;
    let start = 0;
    for (;;) {
      const nl = data.indexOf(0x0a, start);
      if (nl === -1) break;
      this.line(data.subarray(start, nl));
      start = nl + 1;
    }
    this.tail = Buffer.from(data.subarray(start));
    data = Buffer.alloc(0);
  }

  /** The channel closed; `killed`: the child was killed, so a cut last record is no problem. */
  end(killed: boolean): void {
    if (this.tail.length && !this.capped && !killed) this.problems.push('the side channel ended in the middle of a record');
    this.tail = Buffer.alloc(0);
  }

  private line(line: Buffer): void {
    if (line.length === 0) return;
    const n = this.records.length;
    const tab = line.lastIndexOf(0x09);
    const body = tab < 0 ? line : line.subarray(0, tab);
    const sig = tab < 0 ? '' : line.subarray(tab + 1).toString('latin1');
    const want = createHmac('sha256', this.key).update(body).digest('hex').slice(0, 32);
    if (sig.length !== want.length || !timingSafeEqual(Buffer.from(sig), Buffer.from(want))) {
      this.problems.push(`a side-channel record after record ${n - 1} is not signed with the run's key`);
      return;
    }
    let rec: ChannelRecord;
    try {
      rec = JSON.parse(body.toString('utf8')) as ChannelRecord;
    } catch {
      this.problems.push(`side-channel record ${n} is not JSON`);
      return;
    }
    if (!rec || typeof rec !== 'object' || typeof rec.n !== 'number' || typeof rec.k !== 'string' || typeof rec.v !== 'number') {
      this.problems.push(`side-channel record ${n} lacks its number, kind or time`);
      return;
    }
    if (rec.n !== this.lastN + 1) {
      // Replayed, reordered or injected: the tracer numbers its records 0, 1, 2 … without gaps.
      this.problems.push(`side-channel records are numbered ${this.lastN} then ${rec.n}`);
      if (rec.n <= this.lastN) return;
    }
    this.lastN = rec.n;
    this.records.push(rec);
    this.onRecord?.(rec);
  }
}

export interface ParsedChannel {
  records: ChannelRecord[];
  /** What was wrong with the channel (bad signatures, gaps…); empty for the tracer's own records. */
  problems: string[];
  capped?: boolean;
}

/** Parses and authenticates a whole channel's bytes at once. Pure. */
export function parseChannel(data: Buffer, key: string): ParsedChannel {
  const r = new ChannelReader(key);
  r.push(data);
  r.end(false);
  return { records: r.records, problems: r.problems, capped: r.capped };
}
