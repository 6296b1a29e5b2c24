/**
 * A pre-started run whose program the fork server forks (fork-server.ts): bwrap holds the
 * sandbox around a waiting holder; once the holder is there the server is asked to fork the
 * program into it. The run ends when the program does (the server's word: its own status) or
 * when bwrap does (the sandbox is gone, and the program with it: bwrap's status, as for a started
 * run); then bwrap's whole group is killed, which ends the holder's pid namespace.
 */

import { constants as osConsts } from 'node:os';
import { ForkServer, type ForkRequest } from './fork-server.js';
import { signalRun } from './kill.js';
import { readProc } from './observe.js';
import type { LiveRun } from './spawn-run.js';

/** What the fork server needs besides the holder: the program, its interpreter and limits. */
export type ForkPlan = Omit<ForkRequest, 'holder' | 'uid' | 'gid'> & { interpreter: string; slot: number };

/** Ask for the fork once the holder runs; `run.exited` becomes the program's end. */
export function forkInto(run: LiveRun, fork: ForkPlan): void {
  const bwrapExited = run.exited;
  type Exit = Awaited<LiveRun['exited']>;
  let ended!: (e: Exit) => void;
  const forkExited = new Promise<Exit>((r) => (ended = r));
  run.programPid = (async () => {
    const holder = run.child.pid === undefined ? null : await findHolder(run.child.pid);
    if (holder === null) {
      run.capture.push('stderr', Buffer.from('tracegrade: the sandbox for the fork server never became ready\n'));
      ended({ code: null, signal: null, at: performance.now() });
      return undefined;
    }
    const id = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(readProc(`/proc/${holder}/status`) ?? '')?.[1] ?? NaN);
    const { interpreter, slot, ...rest } = fork;
    return new Promise<number | undefined>((resolve) => {
      ForkServer.for(interpreter, slot, rest.tracerDir[1]).run(
        { ...rest, holder, uid: id('Uid'), gid: id('Gid') },
        {
          onPid: (pid) => resolve(pid),
          onEnd: (e) => {
            resolve(undefined);
            if (e.error) run.capture.push('stderr', Buffer.from(`tracegrade: ${e.error}\n`));
            ended({ code: e.code, signal: e.signal === null ? null : signalName(e.signal), at: performance.now(), ...(e.error ? {} : { own: true }) });
          },
        },
      );
    });
  })();
  run.exited = Promise.race([forkExited, bwrapExited]);
  void run.exited.then(() => signalRun(run.plan, run.child.pid, 'SIGKILL'));
}

/**
 * bwrap → its init → the holder, once the holder runs `sleep` (its namespaces are final then);
 * null if bwrap is gone or `giveMs` passed (bwrap's set-up takes milliseconds, more on a loaded machine).
 */
async function findHolder(bwrapPid: number, giveMs = 10_000): Promise<number | null> {
  const kids = (pid: number) => (readProc(`/proc/${pid}/task/${pid}/children`) ?? '').trim().split(/\s+/).filter(Boolean).map(Number);
  const until = performance.now() + giveMs;
  for (let i = 0; performance.now() < until; i++) {
    if (readProc(`/proc/${bwrapPid}/stat`) === null) return null;
    for (const init of kids(bwrapPid)) for (const h of kids(init)) if ((readProc(`/proc/${h}/comm`) ?? '').trim() === 'sleep') return h;
    // A few quick looks, then one a millisecond: bwrap is building the sandbox meanwhile.
    await new Promise((r) => (i < 50 ? setImmediate(r) : setTimeout(r, 1)));
  }
  return null;
}

function signalName(n: number): NodeJS.Signals | null {
  const found = Object.entries(osConsts.signals).find(([, v]) => v === n);
  return (found?.[0] as NodeJS.Signals | undefined) ?? null;
}
