/** Default check titles, generated from the construct when the instructor wrote none. */

import type { BoundExprs, CheckBody, LineSelector, Tolerance, ValueRef } from './types.js';

export function fmtMs(ms: number): string {
  if (ms < 1000) return `${+ms.toFixed(3)} ms`;
  return `${+(ms / 1000).toFixed(3)} s`;
}

export function fmtTolerance(t: Tolerance): string {
  if (t.relative !== undefined) return `${+(t.relative * 100).toFixed(4)}%`;
  return fmtMs(t.ms ?? 0);
}

function sel(s: LineSelector): string {
  return s.stream === 'stderr' ? `${s.display} (stderr)` : s.display;
}

function list(ls: LineSelector[]): string {
  const shown = ls.length > 5 ? [...ls.slice(0, 3).map(sel), '…', sel(ls[ls.length - 1]!)] : ls.map(sel);
  return shown.join(', ');
}

function bounds(b: { aboutMs?: number; atLeastMs?: number; atMostMs?: number; tolerance: Tolerance; exprs?: BoundExprs }): string {
  const e = b.exprs;
  if (e) {
    const about = e.about ? `about ${e.about.text} s ± ${fmtTolerance(b.tolerance)}` : undefined;
    const lo = e.atLeast?.text ?? (b.atLeastMs !== undefined ? fmtMs(b.atLeastMs) : undefined);
    const hi = e.atMost?.text ?? (b.atMostMs !== undefined ? fmtMs(b.atMostMs) : undefined);
    return about ?? [lo && `at least ${lo}${e.atLeast ? ' s' : ''}`, hi && `at most ${hi}${e.atMost ? ' s' : ''}`].filter(Boolean).join(' and ');
  }
  if (b.aboutMs !== undefined) return `about ${fmtMs(b.aboutMs)} ± ${fmtTolerance(b.tolerance)}`;
  if (b.atLeastMs !== undefined && b.atMostMs !== undefined) return `between ${fmtMs(b.atLeastMs)} and ${fmtMs(b.atMostMs)}`;
  if (b.atLeastMs !== undefined) return `at least ${fmtMs(b.atLeastMs)}`;
  return `at most ${fmtMs(b.atMostMs ?? 0)}`;
}

function ref(v: ValueRef): string {
  switch (v.kind) {
    case 'number':
      return String(v.value);
    case 'string':
      return `'${v.value}'`;
    case 'runtime':
      return 'the measured runtime';
    case 'capture':
      return `the value in ${v.line.display}`;
    case 'expr':
      return v.text;
  }
}

function lowerFirst(s: string): string {
  return /^[A-Z][a-z]/.test(s) ? s.charAt(0).toLowerCase() + s.slice(1) : s;
}

export function defaultTitle(body: CheckBody): string {
  switch (body.kind) {
    case 'exists':
      return `Prints ${sel(body.line)}`;
    case 'absent':
      return `Never prints ${sel(body.line)}`;
    case 'count': {
      const n =
        body.exactly !== undefined
          ? `exactly ${body.exactly}`
          : body.atLeast !== undefined && body.atMost !== undefined
            ? `${body.atLeast} to ${body.atMost}`
            : body.atLeast !== undefined
              ? `at least ${body.atLeast}`
              : `at most ${body.atMost}`;
      return `Prints ${sel(body.line)} ${n} time${n === 'exactly 1' ? '' : 's'}`;
    }
    case 'first':
      return `The first line is ${sel(body.line)}`;
    case 'last':
      return `The last line is ${sel(body.line)}`;
    case 'order':
      if (body.strict && body.lines.length === 2) return `${sel(body.lines[1]!)} comes right after ${sel(body.lines[0]!)}`;
      return `Prints ${list(body.lines)} in this order${body.strict ? ', on consecutive lines' : ''}`;
    case 'group':
      return `Prints ${list(body.lines)} (any order)`;
    case 'at':
      return `${sel(body.line)} at ${fmtMs(body.atMs)} ± ${fmtTolerance(body.tolerance)} ${body.from ? `after ${sel(body.from)}` : 'from the start'}`;
    case 'delay':
      return `${sel(body.to)} comes ${bounds(body)} after ${sel(body.from)}`;
    case 'every':
      return `${sel(body.line)} every ${fmtMs(body.periodMs)} ± ${fmtTolerance(body.tolerance)}`;
    case 'runtime':
      return `The run takes ${bounds(body)}${body.from === 'process_start' ? ', from process start' : ''}`;
    case 'value': {
      const parts: string[] = [];
      if (body.equals) parts.push(`equals ${ref(body.equals)}`);
      if (body.about) parts.push(`is about ${ref(body.about)}`);
      if (body.atLeast) parts.push(`is at least ${ref(body.atLeast)}`);
      if (body.atMost) parts.push(`is at most ${ref(body.atMost)}`);
      if (body.ascending) parts.push('are ascending');
      if (body.descending) parts.push('are descending');
      if (body.items !== undefined) parts.push(`are ${body.items} items`);
      if (body.eachAtLeast !== undefined) parts.push(`are each at least ${body.eachAtLeast}`);
      if (body.eachAtMost !== undefined) parts.push(`are each at most ${body.eachAtMost}`);
      return `The ${body.list ? 'numbers' : 'value'} in ${sel(body.line)} ${parts.join(' and ')}`;
    }
    case 'exit_code':
      return `Exits with code ${body.code}`;
    case 'signal':
      return body.signal ? `Is killed by ${body.signal}` : 'Is not killed by a signal';
    case 'timed_out':
      return body.expected ? 'Hits the time limit' : 'Finishes within the time limit';
    case 'unhandled_rejection':
      return body.mode === 'forbidden' ? 'Leaves no promise rejection unhandled' : body.mode === 'allowed' ? 'Exits normally (an unhandled rejection is allowed)' : `Ends with an unhandled promise rejection${body.message ? ` (${body.message.display})` : ''}`;
    case 'stderr_clean':
      return 'Prints nothing on stderr';
    case 'tasks': {
      const r = body.rule;
      switch (r.kind) {
        case 'concurrent':
          return `At least ${r.atLeast} asyncio tasks run at the same time`;
        case 'overlap':
          return `Tasks ${r.names.join(', ')} overlap in time`;
        case 'awaited':
          return `Task ${r.name} is awaited`;
        case 'created_with':
          return `${r.name ? `Task ${r.name} is` : 'Tasks are'} created with ${r.via}`;
        case 'max_blocking':
          return `No call blocks the event loop longer than ${fmtMs(r.ms)}`;
        case 'uses_asyncio':
          return 'Runs an asyncio event loop';
      }
      break;
    }
    case 'all':
      return body.parts.map((p, i) => (i === 0 ? defaultTitle(p) : lowerFirst(defaultTitle(p)))).join(', and ');
    case 'any':
      return `Either ${body.parts.map((p) => lowerFirst(defaultTitle(p))).join(', or ')}`;
  }
}
