/**
 * `npm start`: the quickstart in one command. Starts the demo backends (HTTP on 127.0.0.1:9001 and :9002, a
 * TCP echo server on :9003), then `albkit up examples/quickstart/app.ts` with its state in `.albkit/` (or
 * `ALBKIT_STATE_DIR`), and
 * prints what to try. Logs: warnings only, unless `ALBKIT_LOG_LEVEL` says otherwise. Ctrl-C stops the agent (draining) and the backends.
 */
import { join } from 'node:path';
import { runUp } from '../../bin/commands/up';
import { listenerUrls } from '../../bin/listener-urls';
import { loadManifest } from '../../bin/load';
import { DEFAULT_CONTROL, DEFAULT_DRAIN_MS } from '../../runtime/agent-defaults';
import { startEchoBackend, startHttpBackend, type DemoBackend } from './demo-backend';

const root = join(__dirname, '..', '..', '..');

async function main(): Promise<void> {
  const manifest = await loadManifest(join(root, 'examples', 'quickstart', 'app.ts'));
  const backends: DemoBackend[] = [];
  try {
    backends.push(await startHttpBackend(9001), await startHttpBackend(9002), await startEchoBackend(9003));
  } catch (error) {
    await Promise.all(backends.map((backend) => backend.close()));
    throw new Error(`${(error as Error).message} (is another quickstart running?)`);
  }
  process.stdout.write(`demo backends: ${backends.map((b) => `${b.name} on 127.0.0.1:${b.port}`).join(', ')}\n`);
  const stateDir = process.env.ALBKIT_STATE_DIR ?? join(root, '.albkit');
  const agent = await runUp(manifest, {
    stateDir,
    control: DEFAULT_CONTROL,
    drainMs: String(DEFAULT_DRAIN_MS),
    logLevel: process.env.ALBKIT_LOG_LEVEL ?? 'warn',
    timeout: '60',
  });
  const [http] = listenerUrls(manifest);
  process.stdout.write(
    [
      '',
      'The quickstart is up. Listeners:',
      ...listenerUrls(manifest).map((url) => `  ${url}`),
      '',
      'Try:',
      `  curl ${
        http?.split(' ')[0] ?? 'http://127.0.0.1:8080'
      }/            # answers "backend 9001" or "backend 9002" (weights 3:1)`,
      '  curl -c jar -b jar http://127.0.0.1:8080/   # a session cookie pins you to one backend',
      '  echo hello | socat - TCP:127.0.0.1:8443     # the TCP listener, to the echo backend',
      `  curl -H "Authorization: Bearer $(cat ${join(stateDir, 'token')})" ${
        agent.endpoint
      }/v1/backend-services/web%2Fweb-backend`,
      `  npx albkit deploy examples/quickstart/app.ts --state-dir ${stateDir}   # from a second terminal: no changes`,
      '',
      'Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
