/** The quickstart app's manifest with its ports moved into this area's test range, and a CLI runner. */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { validateManifest, type Manifest } from '../../../lib';
import { loadManifest } from '../../../bin/load';
import { ALBKIT_BIN, freePort } from '../../helpers/agent';

/** The quickstart with every port (listeners and servers) moved to one that is free now. */
export async function quickstartManifest(): Promise<Manifest> {
  const app = await loadManifest(join(__dirname, '..', '..', '..', '..', 'examples', 'quickstart', 'app.ts'));
  const ports = new Map<number, number>();
  for (const port of [8080, 8443, 9001, 9002, 9003]) ports.set(port, await freePort());
  const move = (port: number): number => {
    const moved = ports.get(port);
    if (moved === undefined) throw new Error(`the quickstart uses port ${port}, which this fixture does not move`);
    return moved;
  };
  const resources = app.resources.map((resource) => {
    const spec = resource.spec as unknown as Record<string, unknown>;
    if (resource.kind === 'Listener') return { ...resource, spec: { ...spec, port: move(resource.spec.port) } };
    if (resource.kind === 'ServerGroup')
      return {
        ...resource,
        spec: { ...spec, servers: resource.spec.servers.map((s) => ({ ...s, port: move(s.port) })) },
      };
    if (resource.kind === 'BackendService' && resource.spec.port !== undefined)
      return { ...resource, spec: { ...spec, port: move(resource.spec.port) } };
    return resource;
  });
  return validateManifest({ apiVersion: app.apiVersion, resources });
}

/** Writes a manifest to `<dir>/<name>` and returns the path. */
export async function writeManifest(dir: string, name: string, manifest: unknown): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, JSON.stringify(manifest));
  return file;
}

/** Runs `albkit <args>` to completion; resolves with its exit code and output. */
export function runCli(
  args: readonly string[],
  timeoutMs = 30_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [ALBKIT_BIN, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ALBKIT_LOG_LEVEL: 'warn' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
