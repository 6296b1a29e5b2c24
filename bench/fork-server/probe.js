// Feasibility probe for a fork server (docs/batch.md, "What the pool cannot do: a busy core"):
// what a Python run would cost if a preloaded interpreter forked into each run's sandbox instead
// of a new interpreter starting there. NOT part of tracegrade: it measures the design before
// anyone builds it. Both variants run the same asyncio program in the same bwrap sandbox (the
// minimal floor's flags plus --unshare-user, --disable-userns, --cap-drop ALL, the program fed
// onto a tmpfs /work):
//
//   start   bwrap … -- python main.py                      (what every run does today)
//   fork    bwrap … -- sleep infinity (a holder), then zygote.py forks a child that joins the
//           holder's namespaces (setns), takes its stdio (pidfd_getfd), drops every privilege
//           and runs main.py; the holder's sandbox is then killed
//
// Interleaved rounds of K runs each, medians: wall time a run, and the machine's busy CPU a run
// (/proc/stat, so bwrap, the interpreter and the fork server's processes all count). The program
// also reports what it can see (pid, uid, capabilities, no_new_privs, network, user namespaces,
// fds) once per variant, which must read the same. Needs bwrap and Linux ≥ 5.6 (pidfd_getfd).
//
// Env: BENCH_FORK_ROUNDS=5, BENCH_FORK_K=10.

import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { envInt, fmt, median, printMachine, realPython, removeDir, tempDir } from '../lib/common.js';
import { floorArgv, printLoad } from '../lib/cli.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const rounds = envInt('BENCH_FORK_ROUNDS', 5);
const K = envInt('BENCH_FORK_K', 10);
const py = realPython().path;

const PROGRAM = `import asyncio, ctypes, os, socket
async def main():
    await asyncio.sleep(0)
    print("hi")
    if os.environ.get("SHOW"):
        st = dict(l.split(":", 1) for l in open("/proc/self/status").read().splitlines() if ":" in l)
        print("pid", os.getpid(), "uid", os.getuid(), "cwd", os.getcwd(), "root", sorted(os.listdir("/")))
        print("CapEff", st["CapEff"].strip(), "CapBnd", st["CapBnd"].strip(), "NoNewPrivs", st["NoNewPrivs"].strip())
        try:
            socket.create_connection(("1.1.1.1", 80), timeout=1)
            print("network OPEN")
        except OSError as e:
            print("network blocked", type(e).__name__)
        libc = ctypes.CDLL(None, use_errno=True)
        ok = libc.unshare(0x10000000) == 0
        print("new user namespace:", "CREATED" if ok else "denied (" + os.strerror(ctypes.get_errno()) + ")")
        print("fds", sorted(int(n) for n in os.listdir("/proc/self/fd")))
asyncio.run(main())
`;

function sandboxArgs(cmd, extra = []) {
  const a = floorArgv('bwrap', ['main.py'], null);
  const end = a.indexOf('--');
  const flags = a.slice(1, end);
  flags.splice(flags.indexOf('--chdir'), 2);
  return [a[0], ['--size', '67108864', '--tmpfs', '/work', '--perms', '0644', '--file', '4', '/work/main.py', ...flags, '--unshare-user', '--disable-userns', '--cap-drop', 'ALL', ...extra, '--chdir', '/work', '--', ...cmd]];
}

function launch(file, args, env, program) {
  const fd = openSync(program, 'r');
  try {
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe', 'ignore', fd], detached: true });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const closed = new Promise((r) => child.on('close', (code, signal) => r({ code, signal, out, err })));
    return { child, closed };
  } finally {
    closeSync(fd);
  }
}

const kids = (pid) => {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
};
const comm = (pid) => {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
};

/** bwrap → its init → the holder, once the holder runs `sleep` (its namespaces are final then). */
async function holderOf(bwrapPid) {
  for (let i = 0; i < 2000; i++) {
    for (const init of kids(bwrapPid)) for (const h of kids(init)) if (comm(h) === 'sleep') return h;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error('the holder never started');
}

class Zygote {
  constructor() {
    this.proc = spawn(py, [join(HERE, 'zygote.py')], { env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8', PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' }, stdio: ['pipe', 'pipe', 'inherit'] });
    this.buf = '';
    this.waiting = [];
    this.proc.stdout.on('data', (d) => {
      this.buf += d;
      let nl;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        this.waiting.shift()?.(JSON.parse(line));
      }
    });
  }
  ask(req) {
    return new Promise((r) => {
      this.waiting.push(r);
      this.proc.stdin.write(`${JSON.stringify(req)}\n`);
    });
  }
  close() {
    this.proc.stdin.end();
  }
}

const ENV = { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' };

async function viaStart(program, show) {
  const [file, args] = sandboxArgs([py, 'main.py'], show ? ['--setenv', 'SHOW', '1'] : []);
  const r = await launch(file, args, ENV, program).closed;
  return { exit: r.code, out: r.out, err: r.err };
}

async function viaFork(zygote, program, show) {
  const [file, args] = sandboxArgs(['/usr/bin/sleep', 'infinity']);
  const { child, closed } = launch(file, args, ENV, program);
  const holder = await holderOf(child.pid);
  const ids = (key) => Number(readFileSync(`/proc/${holder}/status`, 'utf8').match(new RegExp(`^${key}:\\s+(\\d+)`, 'm'))[1]);
  const env = { PATH: '/usr/bin:/bin', HOME: '/work', LANG: 'C.UTF-8', PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1', ...(show ? { SHOW: '1' } : {}) };
  const { exit } = await zygote.ask({ holder, argv: ['main.py'], env, uid: ids('Uid'), gid: ids('Gid') });
  process.kill(-child.pid, 'SIGKILL'); // the holder's sandbox: its pid namespace goes with it
  const r = await closed;
  return { exit, out: r.out, err: r.err };
}

function busyMs() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return (f[0] + f[1] + f[2] + f[5] + f[6]) * 10; // user nice system irq softirq, in jiffies of 10 ms
}

printMachine('Fork server feasibility: an asyncio program started in bwrap vs forked into it from a preloaded interpreter');
const root = tempDir();
const zygote = new Zygote();
try {
  const program = join(root, 'main.py');
  writeFileSync(program, PROGRAM);
  const shown = { start: await viaStart(program, true), fork: await viaFork(zygote, program, true) };
  for (const [k, r] of Object.entries(shown)) {
    console.log(`\n${k}: exit ${r.exit}${r.err.trim() ? `, stderr: ${r.err.trim()}` : ''}\n${r.out.trim().split('\n').map((l) => `  ${l}`).join('\n')}`);
  }
  const t = { start: { wall: [], cpu: [] }, fork: { wall: [], cpu: [] } };
  for (let r = 0; r < rounds; r++) {
    for (const k of ['start', 'fork']) {
      const b0 = busyMs();
      const w0 = performance.now();
      for (let i = 0; i < K; i++) {
        const got = k === 'start' ? await viaStart(program, false) : await viaFork(zygote, program, false);
        if (got.exit !== 0 || got.out !== 'hi\n') throw new Error(`${k}: exit ${got.exit}, out ${JSON.stringify(got.out)}, err ${got.err}`);
      }
      t[k].wall.push((performance.now() - w0) / K);
      t[k].cpu.push((busyMs() - b0) / K);
    }
  }
  console.log(`\n${rounds} interleaved rounds of ${K} runs, medians a run (busy CPU: the whole machine's, /proc/stat)\n`);
  console.log('| variant | wall | busy CPU |');
  console.log('|---|---|---|');
  for (const k of ['start', 'fork']) console.log(`| ${k} | ${fmt(median(t[k].wall), 1)} ms | ${fmt(median(t[k].cpu), 1)} ms |`);
  console.log(`\nfork / start: wall ${fmt(median(t.fork.wall) / median(t.start.wall), 2)}×, CPU ${fmt(median(t.fork.cpu) / median(t.start.cpu), 2)}×`);
} finally {
  zygote.close();
  removeDir(root);
  printLoad('after');
}
