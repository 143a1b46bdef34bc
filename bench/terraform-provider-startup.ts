/**
 * terraform-provider-albkit start-up, as Terraform pays it several times per command: time from spawn to the
 * go-plugin handshake line, and to a served `GetProviderSchema` (the first call of every provider process).
 * `node dist/bench/terraform-provider-startup.js [runs]` prints median and p90 in milliseconds.
 */
import { startProvider } from '../test/runtime/terraform/plugin-client';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 15);
  const handshake: number[] = [];
  const schema: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    const provider = await startProvider();
    handshake.push(performance.now() - start);
    await provider.provider.GetProviderSchema!({});
    schema.push(performance.now() - start);
    await provider.shutdownRpc();
    await provider.exited;
    await provider.stop();
  }
  const line = (name: string, values: number[]): string =>
    `${name}: median ${percentile(values, 50).toFixed(0)} ms, p90 ${percentile(values, 90).toFixed(0)} ms`;
  console.log(`terraform-provider-albkit start-up over ${runs} runs (node ${process.version})`);
  console.log(line('spawn → handshake line', handshake));
  console.log(line('spawn → GetProviderSchema served', schema));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
