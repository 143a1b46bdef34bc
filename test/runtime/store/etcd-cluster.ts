/**
 * A real 3-member etcd cluster on loopback for tests: each member Debian's `etcd` binary on its own free
 * client and peer ports and its own temporary data directory, stopped by PID and its directory removed.
 * Every cluster started here must be stopped in an `after`/`afterEach` hook.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { freePort } from '../../helpers/agent';
import { sleep } from '../../helpers/wait';
import { ETCD_LIMIT_ARGS } from './etcd-server';

export interface TestEtcdMember {
  name: string;
  /** `http://127.0.0.1:<client port>` */
  endpoint: string;
  pid: number;
  /** SIGKILL, then waits for the exit. */
  kill(): Promise<void>;
}

export interface TestEtcdCluster {
  members: TestEtcdMember[];
  /** `etcd://127.0.0.1:<port>,…` of every member, as `albkit agent --store` takes it. */
  storeUrl: string;
  /** Stops every member still running (SIGTERM, SIGKILL after 10 s) and removes the data directories. */
  stop(): Promise<void>;
}

interface Running {
  child: ChildProcess;
  exited: Promise<void>;
  output: () => string;
}

/** Starts `size` members and resolves once the cluster takes a write. */
export async function startEtcdCluster(size = 3): Promise<TestEtcdCluster> {
  const root = await mkdtemp(join(tmpdir(), 'albkit-etcd-cluster-'));
  const specs = [];
  for (let index = 0; index < size; index += 1)
    specs.push({ name: `m${index}`, client: await freePort(), peer: await freePort() });
  // One token for the whole cluster, unique to this run: members of two test clusters never join each other.
  const token = `albkit-test-${specs[0]?.peer ?? 0}`;
  const initialCluster = specs.map((spec) => `${spec.name}=http://127.0.0.1:${spec.peer}`).join(',');
  const running: Running[] = specs.map((spec) => {
    const endpoint = `http://127.0.0.1:${spec.client}`;
    const args = [
      '--name',
      spec.name,
      '--data-dir',
      join(root, spec.name),
      '--listen-client-urls',
      endpoint,
      '--advertise-client-urls',
      endpoint,
      '--listen-peer-urls',
      `http://127.0.0.1:${spec.peer}`,
      '--initial-advertise-peer-urls',
      `http://127.0.0.1:${spec.peer}`,
      '--initial-cluster',
      initialCluster,
      '--initial-cluster-token',
      token,
      '--initial-cluster-state',
      'new',
      ...ETCD_LIMIT_ARGS,
    ];
    const child = spawn('etcd', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    return { child, exited, output: () => output };
  });
  const alive = (run: Running): boolean => run.child.exitCode === null && run.child.signalCode === null;
  const stopAll = async (): Promise<void> => {
    for (const run of running) {
      if (!alive(run)) continue;
      run.child.kill('SIGTERM');
      const timer = setTimeout(() => run.child.kill('SIGKILL'), 10_000);
      await run.exited;
      clearTimeout(timer);
    }
    await rm(root, { recursive: true, force: true });
  };
  const hosts = specs.map((spec) => `http://127.0.0.1:${spec.client}`);
  const client = new Etcd3({ hosts, dialTimeout: 1000 });
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const ready = await client
        .put('albkit-test-ready')
        .value('1')
        .options({ deadline: Date.now() + 2000 })
        .exec()
        .then(
          () => true,
          () => false,
        );
      if (ready) break;
      const dead = running.find((run) => !alive(run));
      if (dead) throw new Error(`an etcd member exited on start:\n${dead.output().slice(-2000)}`);
      if (Date.now() > deadline)
        throw new Error(
          `the etcd cluster did not take a write within 60 s:\n${running[0]?.output().slice(-2000) ?? ''}`,
        );
      await sleep(200);
    }
  } catch (error) {
    await stopAll();
    throw error;
  } finally {
    client.close();
  }
  return {
    members: specs.map((spec, index) => {
      const run = running[index] as Running;
      return {
        name: spec.name,
        endpoint: `http://127.0.0.1:${spec.client}`,
        pid: run.child.pid as number,
        kill: async () => {
          if (alive(run)) run.child.kill('SIGKILL');
          await run.exited;
        },
      };
    }),
    storeUrl: `etcd://${specs.map((spec) => `127.0.0.1:${spec.client}`).join(',')}`,
    stop: stopAll,
  };
}
