/**
 * Every `sh`/`bash` block with `curl` in README.md and docs/*.md, run exactly as written (with bash, whose
 * arrays docs/agent.md's `auth` uses) in the environment its doc describes, checking each block's exit status
 * and the answer the doc shows. A block this file does not know fails the test: each new example gets its
 * environment here.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { startAgent, type TestAgent } from '../helpers/agent';
import { alive } from '../helpers/process';
import { startQuickstart } from '../helpers/quickstart';
import { waitFor } from '../helpers/wait';

const ROOT = join(__dirname, '..', '..', '..');

/** One shell block of a doc. */
interface Block {
  /** `docs/agent.md:123`: the file and the line the block starts on. */
  where: string;
  text: string;
}

/** The `sh` and `bash` blocks of README.md and docs/*.md. */
function shellBlocks(): Block[] {
  const files = [
    'README.md',
    ...readdirSync(join(ROOT, 'docs'))
      .filter((name) => name.endsWith('.md'))
      .sort()
      .map((name) => `docs/${name}`),
  ];
  return files.flatMap((file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    return [...text.matchAll(/```(?:sh|bash)\n([\s\S]*?)```/g)].map((match) => ({
      where: `${file}:${text.slice(0, match.index).split('\n').length}`,
      text: match[1]!,
    }));
  });
}

const BLOCKS = shellBlocks();
const CURL_BLOCKS = BLOCKS.filter((block) => /(^|\s)curl\s/m.test(block.text));

/** The block of `file` whose first line is `first`. */
function blockStarting(file: string, first: string): Block {
  const block = BLOCKS.find(
    (candidate) => candidate.where.startsWith(`${file}:`) && candidate.text.split('\n')[0] === first,
  );
  if (!block) throw new Error(`${file} has no sh block starting with: ${first}`);
  return block;
}

/**
 * A directory laid out as a checkout (every top-level entry of this one linked, so `npx albkit` and
 * `examples/…` resolve as the docs assume) with an agent of its own whose state is in `.albkit/` there.
 */
async function checkoutWithAgent(): Promise<{ dir: string; agent: TestAgent; remove(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'albkit-docs-'));
  for (const entry of readdirSync(ROOT)) {
    if (entry !== '.albkit' && entry !== '.git') symlinkSync(join(ROOT, entry), join(dir, entry));
  }
  const agent = await startAgent({ stateDir: join(dir, '.albkit') });
  return {
    dir,
    agent,
    remove: async () => {
      await agent.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The JSON documents curl printed one after another (answers end without a newline, so they abut). */
function jsonAnswers(text: string): Record<string, unknown>[] {
  const answers: Record<string, unknown>[] = [];
  let depth = 0;
  let start = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if (char === '{') {
      if (depth === 0) start = i;
      depth += 1;
    } else if (char === '}') {
      depth -= 1;
      if (depth === 0) answers.push(JSON.parse(text.slice(start, i + 1)) as Record<string, unknown>);
    }
  }
  return answers;
}

/** Runs `script` with bash in `cwd`; expects exit 0 and returns what it printed. */
function bash(script: string, cwd: string, where: string, env: NodeJS.ProcessEnv = {}): string {
  const result = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', script], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  expect(result.status, `${where} exited ${result.status}:\n${script}\n${result.stdout}\n${result.stderr}`).to.equal(0);
  return result.stdout;
}

// The setup block the control API examples build on: the token and endpoint from `.albkit/`, `auth` for curl.
const setup = blockStarting('docs/agent.md', 'TOKEN=$(cat .albkit/token); API=$(cat .albkit/endpoint)');
const create = blockStarting(
  'docs/agent.md',
  `curl -s "\${auth[@]}" -X PUT $API/v1/security-groups/web%2Fsg -d '{"spec":{}}'`,
);
const read = blockStarting('docs/agent.md', 'curl -s "${auth[@]}" $API/v1/listeners/web%2Fhttp');
const conditional = blockStarting(
  'docs/agent.md',
  `curl -s "\${auth[@]}" -X PUT $API/v1/security-groups/web%2Fsg -H 'If-Match: "1:terraform"' -d '{"spec":{},"owner":"deploy/web"}'`,
);
const remove = blockStarting(
  'docs/agent.md',
  'curl -s "${auth[@]}" -X DELETE $API/v1/listeners/web%2Fhttp     # 200, status.state DELETING',
);
const manifest = blockStarting(
  'docs/agent.md',
  'npx albkit synth examples/quickstart/app.ts -o - > /tmp/quickstart.json',
);
const quickstart = blockStarting('docs/agent.md', 'npm start');
// README.md's install-to-deploy path, whose deploy block has the curl line, runs as written in test/e2e/readme-path.test.ts.
const readmeDeploy = blockStarting(
  'README.md',
  "npx albkit deploy app.ts --stack web     # reads the endpoint and token from .albkit/; ends with the listeners' URLs",
);

const fleetNodes = blockStarting(
  'docs/fleet.md',
  'curl -s -H "Authorization: Bearer $(cat fleet-token)" "$(cat .albkit/endpoint)/v1/nodes"',
);

/** What each command line of the `npm start` block answers, as its comment says (the first line is the terminal). */
const QUICKSTART_ANSWERS: Record<string, (output: string) => void> = {
  'curl 127.0.0.1:8080/': (output) => expect(output).to.match(/^backend 900[12]\n?$/),
  'echo hello | socat - TCP:127.0.0.1:8443': (output) => expect(output).to.equal('hello\n'),
  'npx albkit deploy examples/quickstart/app.ts': (output) => expect(output).to.match(/no changes/i),
  'npx albkit destroy examples/quickstart/app.ts': (output) => expect(output).to.match(/delete/i),
};

describe('the curl examples of the docs, run as written', function () {
  this.timeout(300_000);

  describe('docs/agent.md: the control API', () => {
    let checkout: Awaited<ReturnType<typeof checkoutWithAgent>> | undefined;
    const run = (block: Block): string => bash(`${setup.text}${block.text}`, checkout!.dir, block.where);

    before(async () => {
      checkout = await checkoutWithAgent();
    });
    after(async () => {
      await checkout?.remove();
    });

    it('creates a load balancer resource by resource, in order (PUT)', () => {
      const answers = jsonAnswers(run(create)) as unknown as { id: string; status: { state: string } }[];
      expect(answers.map((answer) => answer.id)).to.deep.equal([
        'web/sg',
        'web',
        'web/servers',
        'web/backend',
        'web/http',
      ]);
      expect(answers.map((answer) => answer.status.state)).to.deep.equal([
        'ACTIVE',
        'ACTIVE',
        'ACTIVE',
        'ACTIVE',
        'ACTIVE',
      ]);
    });

    it('reads a resource, a collection (`{ "items": [...] }`) and long-polls (GET)', () => {
      const [one, all, polled] = jsonAnswers(run(read));
      expect(one).to.deep.include({
        id: 'web/http',
        kind: 'Listener',
        dependsOn: ['web', 'web/backend'],
        status: { state: 'ACTIVE' },
        generation: 1,
      });
      expect(one!.spec, 'the answer the doc shows below the block').to.deep.equal({
        backendService: 'web/backend',
        idleTimeoutSeconds: 60,
        loadBalancer: 'web',
        port: 8080,
        protocol: 'HTTP',
      });
      expect((all!.items as { id: string }[]).map((item) => item.id)).to.deep.equal(['web/backend']);
      expect(polled).to.deep.include({ id: 'web/http', status: { state: 'ACTIVE' } });
    });

    it('refuses a write whose If-Match names another version (412 PRECONDITION_FAILED)', () => {
      const [answer] = jsonAnswers(run(conditional)) as unknown as { error: { code: string; message: string } }[];
      expect(answer!.error.code).to.equal('PRECONDITION_FAILED');
      expect(answer!.error.message).to.match(
        /^SecurityGroup "web\/sg" changed since it was read: .* not "1:terraform" as If-Match expected; nothing was changed/,
      );
    });

    it('deletes a listener (DELETE with the content-type of `auth` and no body): 200, DELETING', () => {
      const [answer] = jsonAnswers(run(remove));
      expect(answer).to.deep.include({ id: 'web/http', status: { state: 'DELETING' } });
    });

    it('deploys the quickstart as a stack (PUT /v1/manifest) and reads the stack back', async () => {
      // The doc runs it on an agent without the resources made by hand above: the quickstart's ids are the same.
      await checkout!.remove();
      checkout = await checkoutWithAgent();
      const [put, get] = jsonAnswers(run(manifest));
      expect(put).to.include({ stack: 'quickstart' });
      const expected = JSON.parse(readFileSync('/tmp/quickstart.json', 'utf8')) as {
        hash: string;
        resources: unknown[];
      };
      expect(put!.hash).to.equal(expected.hash);
      expect(get).to.deep.include({ hash: expected.hash });
      expect((get!.resources as unknown[]).length).to.equal(expected.resources.length);
    });
  });

  describe('docs/agent.md: npm start, then a second terminal', () => {
    let stateDir: string;
    let npm: ChildProcess | undefined;
    let agentPid: number | undefined;

    before(() => {
      stateDir = mkdtempSync(join(tmpdir(), 'albkit-docs-start-'));
    });
    after(() => {
      for (const pid of [agentPid, npm?.pid]) if (pid !== undefined && alive(pid)) process.kill(pid, 'SIGKILL');
      rmSync(stateDir, { recursive: true, force: true });
    });

    it('serves the quickstart: the curl and socat answers, deploy with no changes, destroy', async () => {
      const [first, ...rest] = quickstart.text.split('\n').filter((line) => line.trim() !== '');
      expect(first).to.equal('npm start');
      // The quickstart's state in a directory of its own rather than the checkout's `.albkit/`; the second
      // terminal finds the agent through ALBKIT_ENDPOINT and ALBKIT_TOKEN then, as the doc says.
      const started = await startQuickstart(stateDir);
      ({ npm, agentPid } = started);
      const terminal = {
        ALBKIT_ENDPOINT: readFileSync(join(stateDir, 'endpoint'), 'utf8').trim(),
        ALBKIT_TOKEN: readFileSync(join(stateDir, 'token'), 'utf8').trim(),
      };
      for (const line of rest) {
        const command = line.replace(/\s+#.*$/, '');
        const answer = QUICKSTART_ANSWERS[command];
        expect(answer, `the answer of: ${command}`).to.not.equal(undefined);
        answer!(bash(line, ROOT, `${quickstart.where}: ${command}`, terminal));
      }
      npm.kill('SIGTERM');
      await waitFor(() => !alive(agentPid!), 30_000, `the agent (pid ${agentPid}) to stop after SIGTERM to npm`);
      await started.exited;
    });
  });

  describe('docs/fleet.md: the nodes of a fleet', () => {
    let checkout: Awaited<ReturnType<typeof checkoutWithAgent>> | undefined;
    after(async () => {
      await checkout?.remove();
    });

    it("lists the agent's nodes (an agent on the state file: itself, the leader)", async () => {
      checkout = await checkoutWithAgent();
      copyFileSync(join(checkout.dir, '.albkit', 'token'), join(checkout.dir, 'fleet-token'));
      const [answer] = jsonAnswers(bash(fleetNodes.text, checkout.dir, fleetNodes.where)) as unknown as {
        items: { endpoint: string; leader: boolean }[];
      }[];
      expect(answer?.items.map((node) => ({ endpoint: node.endpoint, leader: node.leader }))).to.deep.equal([
        { endpoint: checkout.agent.endpoint, leader: true },
      ]);
    });
  });

  it('runs every curl example of the docs (a new one needs its environment here)', () => {
    const ran = new Set([create, read, conditional, remove, manifest, quickstart, readmeDeploy, fleetNodes]);
    expect(
      CURL_BLOCKS.filter((block) => !ran.has(block)).map((block) => `${block.where}\n${block.text}`),
    ).to.deep.equal([]);
  });
});
