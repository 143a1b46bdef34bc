/** Runs the built `albkit` CLI to completion, on a pipe or on a real pseudo-terminal, in a clean environment. */
import { spawnSync } from 'node:child_process';
import { ALBKIT_BIN } from './agent';

/** What a finished CLI run left: its exit status and output. */
export interface CliOutcome {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The runner's environment without ALBKIT_* and colour settings, with quiet logs, `TERM=xterm`, and `env`. */
export function cliEnv(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const kept = Object.entries(process.env).filter(
    ([key]) => !key.startsWith('ALBKIT_') && key !== 'NO_COLOR' && key !== 'FORCE_COLOR',
  );
  return { ...Object.fromEntries(kept), ALBKIT_LOG_LEVEL: 'warn', TERM: 'xterm', ...env };
}

/** Runs `albkit <args>` with stdout and stderr on pipes (killed after 60 s). */
export function albkitSync(args: readonly string[], env: Record<string, string> = {}): CliOutcome {
  const result = spawnSync(process.execPath, [ALBKIT_BIN, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: cliEnv(env),
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs `albkit <args>` on a pseudo-terminal (util-linux `script`): what the terminal showed, line ends as `\n`. */
export function albkitOnTerminal(args: readonly string[], env: Record<string, string> = {}): CliOutcome {
  const quote = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, ALBKIT_BIN, ...args].map(quote).join(' ');
  const result = spawnSync('script', ['-qfec', command, '/dev/null'], {
    encoding: 'utf8',
    timeout: 60_000,
    env: cliEnv(env),
  });
  return { status: result.status, stdout: result.stdout.replace(/\r\n/g, '\n'), stderr: result.stderr };
}
