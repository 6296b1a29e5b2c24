/**
 * Turns the child's raw stdout/stderr chunks into timed trace lines. Times are taken here,
 * in the parent, at arrival: nothing the child writes can change them. A line's time is the
 * arrival of its END (newline, or the end of the stream), so writing a line's first byte early
 * and the rest later cannot backdate it; the first byte's arrival is kept as `firstByteMs`.
 */

import { TextDecoder } from 'node:util';
import type { Stream, TraceLine } from '../trace/types.js';

export interface CaptureOptions {
  /** Total bytes (both streams) to record; past it the trace stops and onLimit fires once. */
  outputLimit: number;
  onLimit?: () => void;
  /** Clock in ms (sub-ms), relative to the process start; injectable for unit tests. */
  now?: () => number;
  /** Called for every completed line, right when it is completed (the virtual clock stamps it). */
  onLine?: (line: TraceLine) => void;
}

interface StreamState {
  decoder: TextDecoder;
  /** Pieces of the line in progress (joined once: a 5 MB line arriving in 64 KiB chunks stays linear). */
  pending: string[];
  /** Arrival time of the first byte of the line in progress. */
  pendingSince: number | null;
  ended: boolean;
}

export class TraceCapture {
  readonly lines: TraceLine[] = [];
  truncated = false;
  /** Bytes received (counted up to the limit). */
  bytes = 0;
  /** Newline bytes received per stream (the virtual clock waits for the child's count). */
  readonly newlines: Record<Stream, number> = { stdout: 0, stderr: 0 };
  /** Called for every completed line (the parent's virtual clock stamps it). */
  onLine?: (line: TraceLine) => void;
  private readonly streams: Record<Stream, StreamState>;
  private readonly now: () => number;

  constructor(private readonly opts: CaptureOptions) {
    this.onLine = opts.onLine;
    const t0 = performance.now();
    this.now = opts.now ?? (() => performance.now() - t0);
    const mk = (): StreamState => ({ decoder: new TextDecoder('utf-8', { fatal: false }), pending: [], pendingSince: null, ended: false });
    this.streams = { stdout: mk(), stderr: mk() };
  }

  /** Milliseconds on the capture's clock now (the time base of its lines). */
  elapsedMs(): number {
    return this.now();
  }

  /** Whether `stream` can still deliver lines (not closed, not cut at the output limit). */
  open(stream: Stream): boolean {
    return !this.truncated && !this.streams[stream].ended;
  }

  /** A chunk arrived on `stream`. */
  push(stream: Stream, chunk: Uint8Array): void {
    if (this.truncated) return;
    const t = this.now();
    let data = chunk;
    const room = this.opts.outputLimit - this.bytes;
    let hitLimit = false;
    if (data.byteLength > room) {
      data = data.subarray(0, Math.max(0, room));
      hitLimit = true;
    }
    this.bytes += data.byteLength;
    const s = this.streams[stream];
    if (data.byteLength > 0) this.feed(stream, s, s.decoder.decode(data, { stream: true }), t);
    if (hitLimit) {
      this.truncated = true;
      // Keep what was printed up to the cap, on both streams, as partial lines.
      this.flush('stdout', t);
      this.flush('stderr', t);
      this.opts.onLimit?.();
    }
  }

  /** The stream closed: the decoder's tail and an unterminated last line are kept. */
  end(stream: Stream): void {
    const s = this.streams[stream];
    if (s.ended) return;
    if (!this.truncated) this.flush(stream, this.now());
    s.ended = true;
  }

  private flush(stream: Stream, t: number): void {
    const s = this.streams[stream];
    if (s.ended) return;
    const tail = s.decoder.decode();
    if (tail) this.feed(stream, s, tail, t);
    if (s.pending.length > 0) this.complete(stream, s, s.pending.join(''), t, true);
    s.ended = true;
  }

  private complete(stream: Stream, s: StreamState, text: string, t: number, partial: boolean): void {
    const line: TraceLine = { tMs: t, stream, text };
    // Only when it differs: a line that arrived in one chunk has nothing to add.
    if (s.pendingSince !== null && s.pendingSince !== t) line.firstByteMs = s.pendingSince;
    if (partial) line.partial = true;
    this.lines.push(line);
    s.pending = [];
    s.pendingSince = null;
    this.onLine?.(line);
  }

  private feed(stream: Stream, s: StreamState, text: string, t: number): void {
    if (!text) return;
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl === -1) break;
      if (s.pendingSince === null) s.pendingSince = t;
      s.pending.push(text.slice(start, nl));
      let line = s.pending.join('');
      if (line.endsWith('\r')) line = line.slice(0, -1); // CRLF: the \r is part of the terminator
      this.newlines[stream]++;
      this.complete(stream, s, line, t, false);
      start = nl + 1;
    }
    if (start < text.length) {
      if (s.pendingSince === null) s.pendingSince = t;
      s.pending.push(text.slice(start));
    }
  }
}
