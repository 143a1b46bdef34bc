/** The committed L1 bindings are what the generator makes from the provider schema today. */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { expect } from 'chai';
import { BINDINGS_DIR, generateBindings } from '../../../tools/gen/bindings';

async function filesUnder(dir: string): Promise<Map<string, string>> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  const files = new Map<string, string>();
  for (const entry of entries.filter((e) => e.isFile())) {
    const path = join(entry.parentPath, entry.name);
    files.set(relative(dir, path), await readFile(path, 'utf8'));
  }
  return files;
}

/** What `work` writes to stdout and stderr (still passed through). */
async function printedDuring(work: () => Promise<void>): Promise<string> {
  let printed = '';
  const streams = [process.stdout, process.stderr];
  const writes = streams.map((stream) => stream.write.bind(stream));
  streams.forEach((stream, i) => {
    stream.write = (chunk: string | Uint8Array, ...rest: never[]) => {
      printed += String(chunk);
      return writes[i]!(chunk, ...rest);
    };
  });
  try {
    await work();
  } finally {
    streams.forEach((stream, i) => (stream.write = writes[i]!));
  }
  return printed;
}

describe('CDKTF L1 bindings', function () {
  this.timeout(60_000);
  let fresh: string;
  let cliConfigDir: string;
  const savedCliConfig = process.env.TF_CLI_CONFIG_FILE;
  // The generator runs Terraform, which warns (in red) when the user's ~/.terraformrc is absent: give it its own, empty.
  before(async () => {
    cliConfigDir = await mkdtemp(join(tmpdir(), 'albkit-tfrc-'));
    process.env.TF_CLI_CONFIG_FILE = join(cliConfigDir, 'cli.tfrc');
    await writeFile(process.env.TF_CLI_CONFIG_FILE, '');
  });
  after(async () => {
    if (savedCliConfig === undefined) delete process.env.TF_CLI_CONFIG_FILE;
    else process.env.TF_CLI_CONFIG_FILE = savedCliConfig;
    await Promise.all(
      [fresh, cliConfigDir].map((dir) => (dir ? rm(dir, { recursive: true, force: true }) : Promise.resolve())),
    );
  });

  it('are up to date with the provider schema (regenerate: npm run gen)', async () => {
    fresh = await mkdtemp(join(tmpdir(), 'albkit-gen-'));
    const printed = await printedDuring(() => generateBindings(fresh));
    expect(printed).to.not.include('CLI configuration');
    const [expected, committed] = await Promise.all([filesUnder(fresh), filesUnder(BINDINGS_DIR)]);
    expect([...committed.keys()].sort()).to.deep.equal([...expected.keys()].sort());
    for (const [path, text] of expected) expect(committed.get(path), `${path} is stale`).to.equal(text);
  });
});
