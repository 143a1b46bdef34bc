/** What the figures were measured on: the machine, and the version of every program in the comparison. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';

/** The machine and the versions of the programs compared. */
export interface MachineInfo {
  /** CPU model and how many cores. */
  cpu: string;
  /** Total memory. */
  memory: string;
  /** Kernel release. */
  kernel: string;
  /** The 1, 5 and 15 minute load averages. */
  loadAverage: string;
  /** Program name → version. */
  versions: Record<string, string>;
}

/** Collects the machine's description and each peer's version. */
export function describeMachine(root: string): MachineInfo {
  const model = cpus()[0]?.model ?? 'unknown CPU';
  return {
    cpu: `${model}, ${cpus().length} cores`,
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    kernel: `Linux ${release()}`,
    loadAverage: loadavg()
      .map((load) => load.toFixed(2))
      .join(', '),
    versions: {
      albkit: `${packageVersion(root, '.')} (commit ${gitCommit(root)})`,
      node: process.version,
      haproxy: firstMatch(run('haproxy', ['-v']), /version (\S+)/),
      nginx: firstMatch(run('nginx', ['-v']), /nginx\/(\S+)/),
      wrk: firstMatch(run('wrk', ['-v']), /wrk (\S+)/),
      socat: firstMatch(run('socat', ['-V']), /socat version (\S+)/),
      fastify: packageVersion(root, 'node_modules/fastify'),
      '@fastify/http-proxy': packageVersion(root, 'node_modules/@fastify/http-proxy'),
      undici: packageVersion(root, 'node_modules/undici'),
    },
  };
}

function run(command: string, args: string[]): string {
  // nginx -v prints to stderr, and wrk -v exits 1
  const result = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return `${result.stdout ?? ''}${result.stderr ?? ''}`;
}

/** The commit checked out at `root` (`-dirty` with uncommitted changes), or `unknown` outside a git work tree. */
function gitCommit(root: string): string {
  const result = spawnSync('git', ['-C', root, 'describe', '--always', '--dirty'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : 'unknown';
}

function firstMatch(text: string, pattern: RegExp): string {
  return pattern.exec(text)?.[1] ?? 'unknown';
}

function packageVersion(root: string, folder: string): string {
  try {
    return (JSON.parse(readFileSync(join(root, folder, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}
