/**
 * terraform-provider-albkit's entry point: Terraform starts it (through bin/terraform-provider-albkit); it
 * prints the go-plugin handshake line on stdout, logs on stderr, and exits when Terraform shuts it down.
 */
import { startPluginServer, startupProblem } from './plugin-server';

async function main(): Promise<void> {
  const problem = startupProblem(process.env);
  if (problem) {
    process.stderr.write(`${problem}\n`);
    process.exitCode = 1;
    return;
  }
  const server = await startPluginServer(process.env);
  process.stdout.write(`${server.handshake}\n`);
  process.once('SIGTERM', () => void server.shutdown());
  // Like go-plugin: Ctrl-C reaches the whole process group; Terraform itself decides how to stop the provider.
  process.on('SIGINT', () => undefined);
  await server.closed;
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`terraform-provider-albkit: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
