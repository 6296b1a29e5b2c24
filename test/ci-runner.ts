/**
 * What actions/runner does with a job log (src/Runner.Common/ActionCommand.cs,
 * src/Runner.Worker/ActionCommandManager.cs), to read back what tracegrade printed: lines split
 * like StreamReader.ReadLine (\r, \n), V2 `::name …::data` after a Unicode TrimStart, V1
 * `##[name …]data` anywhere in the line, registered names case-insensitively, and
 * `::stop-commands::<token>` pausing until `::<token>::`. Shared by test/ci-injection.test.ts
 * (fixtures) and test/run-hostile-cli.test.ts (hostile programs graded by the CLI).
 */

const REGISTERED = ['add-mask', 'add-matcher', 'add-path', 'debug', 'echo', 'endgroup', 'error', 'group', 'notice', 'remove-matcher', 'save-state', 'set-env', 'set-output', 'stop-commands', 'warning'];
// .NET char.IsWhiteSpace, plus what ICU's culture-sensitive StartsWith ignores (zero-width, soft hyphen).
const DOTNET_TRIM = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*/;
// Culture-sensitive StartsWith/IndexOf (ICU) ignore these: model it by removing them.
const IGNORED = /[\p{Mn}\p{Me}\p{Cf}]/gu;

export interface Executed {
  name: string;
  data: string;
}

/** The commands the runner would execute for this log. */
export function runnerCommands(log: string): Executed[] {
  const out: Executed[] = [];
  const registered = new Set(REGISTERED);
  let stopToken: string | undefined;
  for (const line of log.split(/\r\n|\r|\n/)) {
    let cmd: Executed | undefined;
    const v2 = line.replace(DOTNET_TRIM, '').replace(IGNORED, '');
    if (v2.startsWith('::')) {
      const end = v2.indexOf('::', 2);
      if (end >= 0) {
        const info = v2.slice(2, end);
        const name = (info.includes(' ') ? info.slice(0, info.indexOf(' ')) : info).toLowerCase();
        if (registered.has(name)) cmd = { name, data: v2.slice(end + 2) };
      }
    }
    const bare = line.replace(IGNORED, '');
    const at = bare.indexOf('##[');
    if (!cmd && at >= 0) {
      const rb = bare.indexOf(']', at);
      if (rb >= 0) {
        const info = bare.slice(at + 3, rb);
        const name = (info.includes(' ') ? info.slice(0, info.indexOf(' ')) : info).toLowerCase();
        if (registered.has(name)) cmd = { name, data: bare.slice(rb + 1) };
      }
    }
    if (!cmd) continue;
    if (stopToken !== undefined) {
      if (cmd.name === stopToken) {
        registered.delete(stopToken);
        stopToken = undefined;
        out.push({ name: 'resume', data: cmd.name });
      }
      continue;
    }
    if (cmd.name === 'stop-commands') {
      stopToken = cmd.data.toLowerCase();
      registered.add(stopToken);
    }
    out.push(cmd);
  }
  return out;
}

