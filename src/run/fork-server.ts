/**
 * The fork server (runtime/python/_tracegrade/forkserver.py): one interpreter per Python
 * executable with site, asyncio and the tracer loaded, which forks a run's program into the bwrap
 * sandbox the runner built around a holder process (docs/batch.md, "What the pool cannot do").
 * A run then costs a fork, not an interpreter start. At the bwrap level, for Python, the warm
 * pool's pre-started runs only (a batch's first run and single checks start as before); off with
 * TRACEGRADE_FORK_SERVER=0, and wherever the machine refuses it (a run it could not fork starts
 * as before, and so do the rest). What differs from a started run: docs/batch.md.
 *
 * What the server says is trusted as bwrap's word is: it runs outside every sandbox, as the
 * grader, and no program of a submission can reach it (another pid namespace, no capability).
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { runtimePythonDir } from './instrument/index.js';

export interface ForkRequest {
  /** Host pid of the holder: the sandbox's waiting process whose namespaces and fds the program takes. */
  holder: number;
  /** The program's argv without the interpreter: entry, then its arguments. */
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  uid: number;
  gid: number;
  /** [name, soft, hard] for setrlimit (RLIMIT_<NAME>). */
  limits: Array<[string, number, number]>;
  /** cgroup files the server's child writes itself into before it enters the sandbox (root). */
  cgroup: string[];
  /** The tracer's folder as the server has it and as the sandbox shows it (sys.path is mapped). */
  tracerDir: [string, string];
}

export interface ForkEvents {
  onPid(pid: number): void;
  onEnd(end: { code: number | null; signal: number | null; error?: string }): void;
}

/** What the fork server's interpreter was started with; any other PYTHON* variable acts only at start-up. */
const SERVER_FLAGS = new Set(['PYTHONUNBUFFERED', 'PYTHONDONTWRITEBYTECODE']);
/** The server's locale: the interpreter picks its encodings from it at start-up. */
const SERVER_LANG = 'C.UTF-8';

/**
 * Whether a program with this environment can be forked: no PYTHON* variable but the server's
 * own flags and a PYTHONPATH of only the tracer's folder (`tracerPath`, as the sandbox shows it),
 * and the server's locale (LANG C.UTF-8, no LC_*). A spec's PYTHONHASHSEED (a seeded run's too),
 * PYTHONPATH, other start-up variable or locale would not reach a forked interpreter: such runs
 * start as before.
 */
export function forkable(env: Record<string, string>, tracerPath: string): boolean {
  return Object.entries(env).every(
    ([k, v]) => (!k.startsWith('PYTHON') || SERVER_FLAGS.has(k) || (k === 'PYTHONPATH' && v === tracerPath)) && !k.startsWith('LC_') && (k !== 'LANG' || v === SERVER_LANG),
  );
}

/**
 * Whether pre-started runs of `interpreter` at `level` go through a fork server: at bwrap, for
 * Python, unless TRACEGRADE_FORK_SERVER=0 or this machine refused it (`refused`).
 */
export function forkServerWanted(level: string, runtime: string, interpreter: string): boolean {
  return process.env.TRACEGRADE_FORK_SERVER !== '0' && level === 'bwrap' && runtime === 'python' && process.platform === 'linux' && !refused.has(interpreter);
}

/**
 * Errors that say the machine will refuse every fork, not just this run's (whose holder may be
 * gone: ESRCH): a kernel before 5.6 (ENOSYS), a seccomp filter or a policy (EPERM, EACCES), a
 * namespace it cannot join (EINVAL).
 */
const MACHINE_REFUSES = new Set([1, 13, 22, 38]);

/** Bytes of argv and environment a forked program can show in /proc (more is cut at a whole string). */
const ARGV_ROOM = 16 * 1024;
const ENV_ROOM = 64 * 1024;

const servers = new Map<string, ForkServer>();
/** Interpreters whose fork server this machine refused, and why (for a debugger's eye): their runs start as before. */
const refused = new Map<string, string>();

export class ForkServer {
  private readonly proc: ChildProcess;
  private buf = '';
  private nextId = 0;
  private readonly waiting = new Map<number, ForkEvents>();
  private dead: string | undefined;
  /** Programs it has forked: a server that ends before its first could not start here at all. */
  private forked = 0;

  private constructor(
    private readonly interpreter: string,
    tracerAt: string,
  ) {
    // The room: each fork writes its program's argv and environment over the server's, so that
    // /proc/<pid>/cmdline and environ show the program's (ps, the leftover sweep, the program).
    this.proc = spawn(interpreter, ['-c', 'import sys; from _tracegrade.forkserver import serve; serve(sys.argv[1])', tracerAt, ' '.repeat(ARGV_ROOM)], {
      env: { PATH: '/usr/bin:/bin', LANG: SERVER_LANG, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: runtimePythonDir(), TRACEGRADE_ROOM: ' '.repeat(ENV_ROOM) },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.proc.stdout!.setEncoding('utf8');
    this.proc.stdout!.on('data', (d: string) => this.onData(d));
    const gone = (why: string) => {
      this.dead ??= why;
      if (this.forked === 0) refused.set(interpreter, `the fork server ended before its first run (${why})`);
      for (const [, ev] of this.waiting) ev.onEnd({ code: null, signal: null, error: `the fork server ended (${why})` });
      this.waiting.clear();
      servers.forEach((s, k) => s === this && servers.delete(k));
    };
    this.proc.on('exit', (c, s) => gone(`exit ${c ?? s}`));
    this.proc.on('error', (e) => gone(e.message));
    // It must not keep the grader alive once nothing waits on it.
    this.proc.unref();
    (this.proc.stdin as unknown as { unref?: () => void }).unref?.();
    (this.proc.stdout as unknown as { unref?: () => void }).unref?.();
  }

  /**
   * The server for `interpreter` and `slot`, started on first use, whose tracer modules name
   * `tracerAt` (where the sandbox shows their folder). Each server has a hash seed of its own,
   * which every program it forks keeps: the runs of one submission (its repeats) take a slot
   * each, so that, as started runs, they never share one.
   */
  static for(interpreter: string, slot: number, tracerAt: string): ForkServer {
    const key = `${slot}\0${interpreter}\0${tracerAt}`;
    let s = servers.get(key);
    if (!s) {
      s = new ForkServer(interpreter, tracerAt);
      servers.set(key, s);
    }
    return s;
  }

  run(req: ForkRequest, events: ForkEvents): void {
    if (this.dead) return events.onEnd({ code: null, signal: null, error: `the fork server ended (${this.dead})` });
    const id = this.nextId++;
    this.waiting.set(id, events);
    // A header the server reads, a body only the child it forks for this run reads (forkserver.py).
    const body = Buffer.from(JSON.stringify({ ...req, ...fault() }));
    this.proc.stdin!.write(Buffer.concat([Buffer.from(`${id} ${body.length}\n`), body]));
  }

  private onData(d: string): void {
    this.buf += d;
    for (let nl = this.buf.indexOf('\n'); nl >= 0; nl = this.buf.indexOf('\n')) {
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + 1);
      let rec: { id?: number; pid?: number; code?: number; signal?: number; error?: string; errno?: number | null };
      try {
        rec = JSON.parse(line) as typeof rec;
      } catch {
        continue;
      }
      const ev = typeof rec.id === 'number' ? this.waiting.get(rec.id) : undefined;
      if (!ev) continue;
      if (typeof rec.pid === 'number') {
        this.forked++;
        ev.onPid(rec.pid);
      } else {
        if (rec.error && typeof rec.errno === 'number' && MACHINE_REFUSES.has(rec.errno)) refused.set(this.interpreter, rec.error);
        this.waiting.delete(rec.id!);
        ev.onEnd({ code: typeof rec.code === 'number' ? rec.code : null, signal: typeof rec.signal === 'number' ? rec.signal : null, ...(rec.error ? { error: rec.error } : {}) });
      }
    }
  }
}

/** Tests only: TRACEGRADE_FORK_SERVER_FAULT=eperm makes the server refuse a run as a kernel would (forkserver.py). */
function fault(): { fault?: string } {
  const f = process.env.TRACEGRADE_FORK_SERVER_FAULT;
  return f ? { fault: f } : {};
}

/** prlimit's flags (sandbox/flags.ts) as setrlimit triples: the same limits, set by the program's own start. */
export function rlimitsOf(prlimit: string[]): Array<[string, number, number]> {
  const out: Array<[string, number, number]> = [];
  for (const a of prlimit) {
    const m = /^--([a-z]+)=(\d+)(?::(\d+))?$/.exec(a);
    if (m) out.push([m[1]!, Number(m[2]), Number(m[3] ?? m[2])]);
  }
  return out;
}
