/** Where the CLI writes. Data (a drafted spec, reports on the terminal) goes to stdout, talk to stderr. */

export interface Out {
  write(s: string): unknown;
  isTTY?: boolean;
  /** Terminal width (a TTY's process.stdout.columns); absent when piped. */
  columns?: number;
}

export interface Io {
  stdout: Out;
  stderr: Out;
  env: Record<string, string | undefined>;
  cwd: string;
}

export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}
