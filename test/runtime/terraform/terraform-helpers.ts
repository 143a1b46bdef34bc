/**
 * Real Terraform for tests: finds the binary, prepares a working directory with a filesystem mirror holding
 * this package's provider and a CLI configuration naming it, and runs commands in it.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cliConfig, installMirror, PROVIDER_LAUNCHER } from '../../../tools/terraform/install';
import { startAgent, type TestAgent } from '../../helpers/agent';

/** The terraform binary on PATH, or undefined. */
/** Skips the suite of `context` with a SKIPPED line naming what needs Terraform when it is not on PATH. */
export function skipWithoutTerraform(context: Mocha.Context, terraform: string | undefined, needs: string): void {
  if (terraform) return;
  console.log(`    SKIPPED: terraform is not on PATH; ${needs}`);
  context.skip();
}

export function findTerraform(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v terraform'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** A working directory wired to the provider through a filesystem mirror. */
export interface TerraformDir {
  dir: string;
  env: NodeJS.ProcessEnv;
  /** Runs `terraform <args>`; rejects with the output when it fails (unless `allowExit` lists the code). */
  run(args: string[], allowExit?: number[]): Promise<{ code: number; stdout: string; stderr: string }>;
  remove(): Promise<void>;
}

/** A CLI configuration that runs the provider straight from this checkout, without `terraform init`. */
function devOverrides(): string {
  return `provider_installation {\n  dev_overrides {\n    "albkit/albkit" = ${JSON.stringify(
    dirname(PROVIDER_LAUNCHER),
  )}\n  }\n  direct {}\n}\n`;
}

/**
 * Makes a temporary directory (`dir`, still to be created and filled) with a CLI config that installs the
 * provider from a filesystem mirror, or with `dev_overrides`.
 */
export async function terraformDir(
  binary: string,
  { env = {}, install = 'mirror' }: { env?: NodeJS.ProcessEnv; install?: 'mirror' | 'dev_overrides' } = {},
): Promise<TerraformDir> {
  const root = await mkdtemp(join(tmpdir(), 'albkit-tf-'));
  const dir = join(root, 'work');
  if (install === 'mirror') installMirror(join(root, 'mirror'));
  const configFile = join(root, 'cli.tfrc');
  await writeFile(configFile, install === 'mirror' ? cliConfig(join(root, 'mirror')) : devOverrides());
  const fullEnv: NodeJS.ProcessEnv = {
    ...process.env,
    TF_CLI_CONFIG_FILE: configFile,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    TF_PLUGIN_CACHE_DIR: '',
    NO_COLOR: '1',
    ...env,
  };
  return {
    dir,
    env: fullEnv,
    run: (args, allowExit = [0]) =>
      new Promise((resolve, reject) => {
        execFile(
          binary,
          [...args],
          { cwd: dir, env: fullEnv, timeout: 120_000, maxBuffer: 16 << 20 },
          (error, stdout, stderr) => {
            const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
            if (!allowExit.includes(code)) {
              reject(new Error(`terraform ${args.join(' ')} exited ${code}:\n${stdout}\n${stderr}`));
              return;
            }
            resolve({ code, stdout, stderr });
          },
        );
      }),
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

/** What a Terraform CLI test runs against: two hello backends, a live agent and a working directory. */
export interface TerraformRig {
  agent: TestAgent;
  /** The working directory, created empty. */
  tf: TerraformDir;
  /** Ports of the backends answering `hello from a` and `hello from b`. */
  ports: number[];
  /** Stops the agent, removes the directory and closes the backends. */
  stop(): Promise<void>;
}

/** Starts a `TerraformRig` for the terraform `binary`; what started is stopped again if a later step fails. */
export async function startTerraformRig(binary: string): Promise<TerraformRig> {
  const servers: Server[] = [];
  let agent: TestAgent | undefined;
  let tf: TerraformDir | undefined;
  const stop = async (): Promise<void> => {
    await agent?.stop();
    await tf?.remove();
    for (const server of servers) await new Promise((resolve) => server.close(resolve));
  };
  try {
    for (const name of ['a', 'b']) {
      const server = createServer((_req, res) => res.end(`hello from ${name}\n`));
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    }
    agent = await startAgent();
    tf = await terraformDir(binary);
    await mkdir(tf.dir, { recursive: true });
  } catch (error) {
    await stop();
    throw error;
  }
  return { agent, tf, ports: servers.map((server) => (server.address() as AddressInfo).port), stop };
}
