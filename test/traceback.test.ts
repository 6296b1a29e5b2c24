/**
 * Exceptions are cited at the student's own file:line, parsed from the captured traceback
 * (Python) or stack (Node): never a frame of the interpreter's library or tracegrade's runtime.
 * Synthetic traces for every shape, then real runs through the CLI.
 */

import { execa } from 'execa';
import { rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exceptionSite, ownPath } from '../src/check/traceback.js';
import { trace } from '../src/check/testkit.js';
import { project } from './cli-helpers.js';

const err = (...lines: string[]) => trace([[5, 'start'], ...lines.map((l, i) => [10 + i, l, 'stderr'] as [number, string, 'stderr'])]);

test('the innermost own frame of a Python traceback, past stdlib and runtime frames', () => {
  const t = err(
    'Traceback (most recent call last):',
    '  File "/work/main.py", line 17, in <module>',
    '    asyncio.run(main())',
    '  File "/usr/lib/python3.11/asyncio/runners.py", line 190, in run',
    '  File "/work/lib/util.py", line 4, in helper',
    '    raise RuntimeError("boom")',
    '  File "/opt/tracegrade/python/_tracegrade/loop.py", line 88, in _run',
    'RuntimeError: boom',
  );
  expect(exceptionSite(t, t.length - 1)).toEqual({ file: 'lib/util.py', line: 4, fn: 'helper' });
});

test('a SyntaxError (one frame, no header), outside bwrap; chained exceptions cite the last traceback', () => {
  const s = err('  File "/tmp/tracegrade-run-Ab12/work/main.py", line 12', "    print('finished'", '         ^', "SyntaxError: '(' was never closed");
  expect(exceptionSite(s, s.length - 1)).toEqual({ file: 'main.py', line: 12 });
  const c = err(
    'Traceback (most recent call last):',
    '  File "/work/main.py", line 3, in <module>',
    'KeyError: 1',
    '',
    'During handling of the above exception, another exception occurred:',
    '',
    'Traceback (most recent call last):',
    '  File "/work/main.py", line 5, in <module>',
    'ValueError: 2',
  );
  expect(exceptionSite(c, c.length - 1)).toEqual({ file: 'main.py', line: 5 });
});

test('Node: the first own frame of the stack; node:internal and the preload are skipped', () => {
  const t = err('/work/main.js:1', 'x', '^', '', 'TypeError: bad', '    at node:internal/timers:581:17', '    at helper (/work/src/a.js:7:3)', '    at /opt/tracegrade/node/start.cjs:2:1');
  expect(exceptionSite(t, 5)).toEqual({ file: 'src/a.js', line: 7, fn: 'helper' });
});

test('no own frame: nothing is cited (library-only traceback, a plain message)', () => {
  const t = err('Traceback (most recent call last):', '  File "/usr/lib/python3.11/x.py", line 1, in f', 'OSError: nope');
  expect(exceptionSite(t, t.length - 1)).toBeUndefined();
  expect(exceptionSite(err('RuntimeError: alone'), 1)).toBeUndefined();
  expect(ownPath('/root/work/main.py')).toBeUndefined();
});

test('a real crash, Python and Node: check cites main.py:10 and shows trace line numbers in the excerpt', async () => {
  const bin = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'bin', 'tracegrade.js');
  const d = await project({
    'py/main.py': 'import asyncio\n\n\nasync def work():\n    await asyncio.sleep(0.1)\n    helper()\n\n\ndef helper():\n    raise RuntimeError("boom")\n\n\nasync def main():\n    await work()\n\nasyncio.run(main())\n',
    'py.yaml': 'name: py\ntitle: t\nrun: { runtime: python, entry: main.py, clock: virtual }\nchecks:\n  - { id: exits, title: Exits, exit_code: 0 }\n',
    'js/main.js': "\nfunction helper() { throw new TypeError('bad'); }\nsetTimeout(() => helper(), 5);\n",
    'js.yaml': 'name: js\ntitle: t\nrun: { runtime: node, entry: main.js }\nchecks:\n  - { id: exits, title: Exits, exit_code: 0 }\n',
  });
  try {
    const py = await execa(process.execPath, [bin, 'check', 'py', '--spec', 'py.yaml'], { cwd: d, reject: false, env: { NO_COLOR: '1' } });
    const out = String(py.stdout).replace(/\s+/g, ' ');
    expect(out).toMatch(/the error is 'RuntimeError: boom' at [\d.]+ s \(trace line (\d+), stderr\), raised at main\.py:10 \(in helper\)/);
    const n = /trace line (\d+), stderr\), raised/.exec(out)![1];
    expect(String(py.stdout)).toMatch(new RegExp(`^\\s+${n}\\s+[\\d.]+s │ \\[stderr\\] RuntimeError: boom`, 'm'));
    const js = await execa(process.execPath, [bin, 'check', 'js', '--spec', 'js.yaml'], { cwd: d, reject: false, env: { NO_COLOR: '1' } });
    expect(String(js.stdout).replace(/\s+/g, ' ')).toMatch(/raised at main\.js:2 \(in helper\)/);
  } finally {
    await rm(d, { recursive: true, force: true });
  }
});

test('a real crash in a helper: the failing order check cites main.py:N (in helper), and its trace line numbers are the excerpt\'s', async () => {
  const bin = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'bin', 'tracegrade.js');
  const d = await project({
    'main.py':
      'import asyncio\n\n\ndef helper(n):\n    if n == 2:\n        raise RuntimeError("boom")\n    print(n)\n\n\n' +
      'async def count():\n    for i in range(4):\n        helper(i)\n        await asyncio.sleep(0.1)\n\n\nasyncio.run(count())\n',
    's.yaml':
      "name: s\ntitle: t\nrun: { runtime: python, entry: main.py, clock: virtual }\nchecks:\n  - { id: order, title: Order, order: ['0', '1', '2', '3'] }\n" +
      "  - { id: tb, title: No traceback, absent: { contains: Traceback, stream: stderr } }\n",
  });
  try {
    const r = await execa(process.execPath, [bin, 'check', '.', '--spec', 's.yaml'], { cwd: d, reject: false, env: { NO_COLOR: '1' } });
    const stdout = String(r.stdout);
    const order = stdout.slice(stdout.indexOf('✗ Order'), stdout.indexOf('No traceback'));
    const said = order.replace(/\s+/g, ' ');
    expect(said).toMatch(/expected '2' after '1' \(0\.10 s, trace line (\d+)\); it never appears \(the program exited with code 1 after \d+ ms, stopped by 'RuntimeError: boom' at 0\.20 s \(trace line (\d+), stderr\), raised at main\.py:6 \(in helper\)\)/);
    expect(said).not.toMatch(/\(line \d/);
    const [, one, error] = /after '1' \(0\.10 s, trace line (\d+)\).*stopped by 'RuntimeError: boom' at 0\.20 s \(trace line (\d+), stderr\)/.exec(said)!;
    // The excerpt under it is headed "trace line, time", and the cited numbers find the cited lines.
    expect(order).toMatch(/^ {2}trace line, time │$/m);
    expect(order).toMatch(new RegExp(`^ +${one} +0\\.10s │ 1 +← match$`, 'm'));
    expect(order).toMatch(new RegExp(`^ +${error} +0\\.20s │ \\[stderr\\] RuntimeError: boom +← context: the error$`, 'm'));
    // The absent check on the traceback cites the same exception at the same line.
    expect(stdout.replace(/\s+/g, ' ')).toMatch(new RegExp(`the error is 'RuntimeError: boom' at 0\\.20 s \\(trace line ${error}, stderr\\), raised at main\\.py:6 \\(in helper\\)`));
  } finally {
    await rm(d, { recursive: true, force: true });
  }
});
