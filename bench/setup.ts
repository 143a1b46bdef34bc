/** Installs the bench's peers from Debian when they are missing: HAProxy, nginx, wrk, socat, taskset. */
import { execFileSync } from 'node:child_process';

/** Each program the bench runs and the Debian package that provides it. */
const PROGRAMS: Record<string, string> = {
  haproxy: 'haproxy',
  nginx: 'nginx',
  wrk: 'wrk',
  socat: 'socat',
  taskset: 'util-linux',
};

/** Whether a program is on the PATH (or in /usr/sbin, where Debian puts haproxy and nginx). */
export function hasProgram(program: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore', env: withSbin() });
    return true;
  } catch {
    return false;
  }
}

/** The environment with /usr/sbin and /sbin on the PATH. */
export function withSbin(): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${process.env.PATH ?? '/usr/bin:/bin'}:/usr/sbin:/sbin` };
}

/** Installs whatever is missing with apt-get (needs root); throws naming what is still missing. */
export function ensurePeers(log: (line: string) => void): void {
  process.env.PATH = withSbin().PATH;
  const missing = Object.keys(PROGRAMS).filter((program) => !hasProgram(program));
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((program) => PROGRAMS[program]!))];
  log(`installing ${packages.join(', ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env, timeout: 300_000 });
    execFileSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: 'inherit', env, timeout: 600_000 });
  } catch (error) {
    throw new Error(`could not install ${packages.join(', ')} (apt-get needs root): ${(error as Error).message}`);
  }
  const still = missing.filter((program) => !hasProgram(program));
  if (still.length > 0) throw new Error(`still missing after apt-get: ${still.join(', ')}`);
}
