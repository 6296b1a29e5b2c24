// Measures what each sandbox level holds, as whoever runs it (root, or a normal user via
// `runuser -u USER`): node test/hostile/matrix.mjs [levels…] after `npm run build`.
// Prints one line per attack and level; docs/sandbox.md's table is its output on this machine.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const { runSubmission } = await import(path.join(here, '../../dist/run/index.js'));
const levels = process.argv.slice(2).length ? process.argv.slice(2) : ['bwrap', 'rlimit', 'none'];
const py = ['/usr/bin/python3', '/usr/local/bin/python3'].find((p) => existsSync(p));
const S = (args = [], over = {}) => ({ runtime: 'python', interpreter: py, args, env: {}, files: [], limits: {}, clock: 'real', repeat: 1, policy: 'all', ...over });
const L = { wallMs: 3000, cpuMs: 5000, memoryBytes: 256 << 20, processes: 32, outputBytes: 1 << 20 };
const run = (file, args, level, limits = {}) =>
  runSubmission({ submission: path.join(here, file), sandbox: level, settings: S(args), limits: { ...L, ...limits }, acceptNoIsolation: true });
const lines = (r) => r.trace.map((l) => l.text);

const scratch = mkdtempSync(path.join(os.tmpdir(), 'tg-matrix-'));
const other = path.join(scratch, 'private', 'other_main.py'); // a 0700 folder (the next row: a 0755 one)
(await import('node:fs')).mkdirSync(path.dirname(other), { mode: 0o700 });
writeFileSync(other, 'SECRET_SOLUTION = 42\n', { mode: 0o644 });
const home = path.join(os.homedir(), '.tg-matrix-private');
writeFileSync(home, 'private\n', { mode: 0o600 });
const who = process.getuid() === 0 ? 'root' : 'user';
// A normal checkout (0755 folders), a previous batch's --out as `grade` makes it (0700), a hard link to a 0600 file.
const { chmodSync, linkSync, mkdirSync } = await import('node:fs');
chmodSync(scratch, 0o755);
const klass = path.join(scratch, 'class');
mkdirSync(path.join(klass, 'bob'), { recursive: true, mode: 0o755 });
writeFileSync(path.join(klass, 'bob', 'main.py'), 'SECRET_SOLUTION = 42\n', { mode: 0o644 });
const { withOutLock } = await import(path.join(here, '../../dist/cli/out-lock.js'));
const reports = path.join(scratch, 'out');
await withOutLock(reports, { stdout: { write() {} }, stderr: { write() {} }, env: {}, cwd: scratch }, async () => {
  writeFileSync(path.join(reports, 'results.json'), '{}\n');
  // A stored result, as --resume would reuse it (its seal does not matter here: the row says whether the run can rewrite it).
  mkdirSync(path.join(reports, '.tracegrade', 'results', 'm'), { recursive: true });
  writeFileSync(path.join(reports, '.tracegrade', 'results', 'm', 'victim.json'), JSON.stringify({ result: { score: 0, maxScore: 1, checks: [] } }));
});
const linked = path.join(scratch, 'linked');
mkdirSync(linked);
writeFileSync(path.join(scratch, 'shadow'), 'secret\n', { mode: 0o600 });
writeFileSync(path.join(linked, 'main.py'), readFileSync(path.join(here, 'hard_link.py')));
linkSync(path.join(scratch, 'shadow'), path.join(linked, 'shadow_hl'));

for (const level of levels) {
  const out = [];
  const server = net.createServer((s) => s.destroy());
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const net1 = lines(await run('network.py', [String(server.address().port)], level));
  server.close();
  out.push(['network (127.0.0.1 / outside / dns)', net1.slice(1).map((l) => l.split(': ')[1].split(' ')[0]).join(' / ')]);
  const reads = lines(await run('read_outside.py', [other, home, '/etc/shadow', `/proc/${process.pid}/environ`, path.join(here, '../../package.json')], level));
  const r = (i) => (reads[i + 1].startsWith('READ') ? 'READ' : 'denied');
  out.push(['read: another submission (0644 in a 0700 folder)', r(0)], ["read: harness's 0600 home file", r(1)], ['read: /etc/shadow', r(2)], ["read: harness's /proc/pid/environ", r(3)], ['read: the repo (package.json)', r(4)]);
  const nb = lines(await run('read_neighbours.py', [klass, reports], level));
  const got = (p) => (nb.some((l) => l.startsWith(`READ ${p}:`)) ? 'READ' : 'denied');
  out.push(['read: another submission in a 0755 class folder', got(path.join(klass, 'bob', 'main.py'))], ["read: a previous batch's --out (made 0700)", got(path.join(reports, 'results.json'))]);
  const tamper = lines(await run('tamper_results.py', [reports], level));
  out.push(["rewrite a stored result in a previous batch's --out", tamper.includes('REWROTE victim.json') ? 'REWROTE' : tamper.includes('store FileNotFoundError') ? 'not visible' : 'denied']);
  const hl = await runSubmission({ submission: linked, sandbox: level, settings: S([]), limits: L, acceptNoIsolation: true });
  out.push(['a hard link to a 0600 file', hl.end === 'error' && /hard link/.test(hl.error) ? 'refused' : lines(hl).find((l) => l.startsWith('READ')) ?? hl.end]);
  const w = lines(await run('write_outside.py', [path.join(scratch, 'forged.json')], level));
  out.push(['write outside its copy (the reports dir)', w[1].startsWith('WROTE') ? 'WROTE' : 'denied']);
  // At none the parent IS the harness: measured once (this script died with 137), not repeated.
  const k = level === 'none' ? ['', 'harness'] : lines(await run('kill_parent.py', [], level));
  out.push(['kill its parent', k[1] === 'harness' ? 'KILLS THE HARNESS (no wrapper)' : k[1] === 'sent SIGKILL to parent' ? 'killed a wrapper (harness alive)' : 'denied']);
  const fb = await run('fork_bomb.py', [], level, { wallMs: 2000 });
  out.push(['fork bomb (limit 32)', /process limit \(32\) refused/.test(fb.endDetail) ? 'held (cgroup)' : fb.sandbox.mechanisms?.some((m) => m.startsWith('RLIMIT_NPROC')) ? 'held (RLIMIT_NPROC)' : `${fb.end}, not limited`]);
  const mb = await run('memory_bomb.py', [], level, { memoryBytes: 192 << 20 });
  out.push(['memory bomb (192 MiB)', mb.end === 'memory-limit' ? 'held' : `${mb.end}: ${mb.endDetail}`]);
  const cpu = await run('cpu_loop.py', [], level, { wallMs: 8000, cpuMs: 1000 });
  out.push(['CPU limit (1 s)', cpu.end === 'cpu-limit' ? 'held (SIGXCPU)' : `${cpu.end} (wall limit only)`]);
  const mark = `tg-marker-matrix-${process.pid}-${level}`;
  const victim = run('sleeper.py', [mark], level, { wallMs: 4000 });
  await new Promise((res) => setTimeout(res, 1200));
  const n = lines(await run('neighbor.py', [[...mark].reverse().join('')], level));
  const v = await victim;
  const seen = n.find((l) => l.startsWith('victim processes seen:'))?.endsWith(': 0') ? 'not visible' : null;
  out.push(['a concurrent run: kill it / list its work dir', seen ?? `${n.some((l) => l.startsWith('KILLED')) ? 'KILLED' : 'denied'} / ${n.some((l) => l.startsWith('cwd [')) ? 'LISTED' : 'denied'} (victim ended: ${v.end})`]);
  const u = lines(await run('whoami.py', [], level));
  out.push(['runs as', u[1] ?? '?']);
  for (const [what, res] of out) console.log(`${who}\t${level}\t${what}\t${res}`);
}
for (const f of [home]) try { (await import('node:fs')).unlinkSync(f); } catch {}
(await import('node:fs')).rmSync(scratch, { recursive: true, force: true });
