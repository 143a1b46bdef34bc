import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BACKEND_BODY, backendConfig } from '../../bench/peers/backends';
import { haproxyHttpConfig, haproxyTcpConfig } from '../../bench/peers/haproxy';
import { nginxProxyConfig } from '../../bench/peers/nginx';
import { haproxyRoutingConfig, routingUrlMap, ROUTING_RULES } from '../../bench/peers/routing';
import { UrlMapSpec } from '../../lib';
import { compileRules, matchRule } from '../../runtime/dataplane/routing/matcher';
import { requestView } from '../../runtime/dataplane/routing/request-view';
import { parseOptions } from '../../bench/options';
import { checkForwarding, rotate } from '../../bench/suites/http';
import { reconfigVariants, CHANGES } from '../../bench/suites/reconfig';
import { hasProgram, withSbin } from '../../bench/setup';
import { waveTimings } from '../../bench/peers/albkit';
import { chooseTargets } from '../../bench/run';

const env = withSbin();

describe('bench peers', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'albkit-bench-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('answers with a 64-byte body from the backends', () => {
    expect(Buffer.byteLength(BACKEND_BODY)).to.equal(64);
  });

  it('writes HAProxy configurations that HAProxy itself accepts', function () {
    if (!hasProgram('haproxy')) this.skip();
    for (const [name, text] of [
      ['http.cfg', haproxyHttpConfig(dir, 25010, [25001, 25002])],
      ['tcp.cfg', haproxyTcpConfig(dir, 25020, 25021)],
      ['routing.cfg', haproxyRoutingConfig(dir, 25010, [25001, 25002])],
    ] as const) {
      writeFileSync(join(dir, name), text);
      execFileSync('haproxy', ['-c', '-q', '-f', join(dir, name)], { env, stdio: 'pipe' });
    }
    expect(haproxyHttpConfig(dir, 25010, [25001, 25002]))
      .to.include('option forwardfor')
      .and.include('nbthread 1');
  });

  it('gives albkit and HAProxy the same 50 rules for the routing case, GET / matching only the last', () => {
    const urlMap = UrlMapSpec.parse(routingUrlMap('bench', 'bench/web'));
    expect(urlMap.rules).to.have.length(ROUTING_RULES);
    const matched = matchRule(
      compileRules(urlMap.rules),
      requestView('GET', '/', ['Host', '127.0.0.1:25010'], '127.0.0.1'),
    );
    expect(matched?.rule.priority).to.equal(ROUTING_RULES);
    const acls = haproxyRoutingConfig(dir, 25010, [25001, 25002])
      .split('\n')
      .filter((line) => line.trim().startsWith('use_backend'));
    expect(acls).to.have.length(ROUTING_RULES);
    expect(acls.at(-1)).to.equal('  use_backend servers if { path / }');
  });

  it('writes nginx configurations that nginx itself accepts', function () {
    if (!hasProgram('nginx')) this.skip();
    for (const [name, text] of [
      ['backends.conf', backendConfig(dir, [25001, 25002])],
      ['proxy.conf', nginxProxyConfig(dir, 25010, [25001, 25002])],
    ] as const) {
      writeFileSync(join(dir, name), text);
      execFileSync('nginx', ['-t', '-q', '-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, name)], {
        env,
        stdio: 'pipe',
      });
    }
  });
});

describe('bench options and schedule', () => {
  it('defaults to the full method: 3 rounds of 10 s after 3 s, 50 and 200 connections, 2 GiB, every suite', () => {
    const options = parseOptions([]);
    expect(options).to.include({
      rounds: 3,
      duration: 10,
      warmup: 3,
      tcpBytes: 2 ** 31,
      controlListeners: 100,
      applyLoadBalancers: 2000,
      writeReport: true,
    });
    expect(options.connections).to.deep.equal([50, 200]);
    expect(options.only).to.deep.equal(['http', 'tcp', 'control', 'reconfig', 'apply', 'profile']);
  });

  it('takes quick-run flags and rejects an unknown suite', () => {
    const options = parseOptions(['--rounds', '1', '--duration', '2', '--only', 'http,tcp', '--no-report']);
    expect(options).to.include({ rounds: 1, duration: 2, writeReport: false });
    expect(options.only).to.deep.equal(['http', 'tcp']);
    expect(() => parseOptions(['--only', 'udp'])).to.throw(/unknown suite udp/);
  });

  it('rotates the start order by one target per round', () => {
    expect(rotate(['a', 'b', 'c'], 0)).to.deep.equal(['a', 'b', 'c']);
    expect(rotate(['a', 'b', 'c'], 1)).to.deep.equal(['b', 'c', 'a']);
    expect(rotate(['a', 'b', 'c'], 4)).to.deep.equal(['b', 'c', 'a']);
  });

  it('applies 20 changes, each different from the one before', () => {
    const variants = reconfigVariants([1, 2, 3]).map((variant) => JSON.stringify(variant));
    expect(variants).to.have.length(CHANGES);
    variants.forEach((variant, index) =>
      expect(variant).not.to.equal(variants[index - 1] ?? JSON.stringify({ ports: [1, 2], variant: {} })),
    );
  });
});

describe('albkit deploy events', () => {
  it('gives each wave its step count, mean and slowest step', () => {
    const events = [
      { type: 'plan' },
      { type: 'done', wave: 2, ms: 30 },
      { type: 'done', wave: 1, ms: 5 },
      { type: 'done', wave: 2, ms: 10 },
      { type: 'failed', wave: 2, ms: 999 },
      { type: 'end', ms: 60 },
    ];
    expect(waveTimings(events)).to.deep.equal([
      { wave: 1, steps: 1, meanMs: 5, slowestMs: 5 },
      { wave: 2, steps: 2, meanMs: 20, slowestMs: 30 },
    ]);
  });
});

describe('forwarding check', () => {
  const seen = (ports: string[], forwardedFor: string[]) => ({
    ports: new Set(ports),
    forwardedFor: new Set(forwardedFor),
  });

  it('accepts a proxy that used every backend and appended the client address', () => {
    expect(() => checkForwarding('p', seen(['25001', '25002'], ['127.0.0.1']), [25001, 25002])).not.to.throw();
    expect(() =>
      checkForwarding('p', seen(['25001', '25002'], ['10.0.0.9, 127.0.0.1']), [25001, 25002]),
    ).not.to.throw();
  });

  it('names the proxy and what it missed', () => {
    expect(() => checkForwarding('p', seen(['25001'], ['127.0.0.1']), [25001, 25002])).to.throw(
      /p sent nothing to backend port\(s\) 25002/,
    );
    expect(() => checkForwarding('p', seen(['25001', '25002'], ['']), [25001, 25002])).to.throw(
      /p did not append the client address/,
    );
  });
});

describe('target choice', () => {
  const targets = ['direct', 'HAProxy', 'nginx', 'fastify', 'albkit'].map((name) => ({ name, description: name }));

  it('keeps every target without --targets, and HAProxy whatever is chosen, in the report order', () => {
    expect(chooseTargets(targets, undefined).map((target) => target.name)).to.deep.equal([
      'direct',
      'HAProxy',
      'nginx',
      'fastify',
      'albkit',
    ]);
    expect(chooseTargets(targets, ['ALBKIT', 'direct']).map((target) => target.name)).to.deep.equal([
      'direct',
      'HAProxy',
      'albkit',
    ]);
  });
});
