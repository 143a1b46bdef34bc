import { expect } from 'chai';
import { HealthCheck } from '../../../lib';
import { HealthChecker } from '../../../runtime/dataplane/health';
import type { DataPlane } from '../../../runtime/dataplane/dataplane';
import type { Registry } from 'prom-client';
import {
  albResources,
  applyOk,
  clientFrom,
  fetchText,
  freePort,
  LB_ADDRESS,
  metricValue,
  newDataPlane,
  sleep,
  startHttpBackend,
  startHttpBackends,
  type HttpBackend,
} from './http-fixtures';

/** Runs a checker until it has reported `count` results; resolves with them and the state after each. */
async function results(
  checker: HealthChecker,
  outcomes: Array<{ ok: boolean; healthy: boolean }>,
  count: number,
): Promise<void> {
  checker.start();
  while (outcomes.length < count) await sleep(10);
  checker.stop();
}

function newChecker(
  port: number,
  check: Partial<HealthCheck>,
  outcomes: Array<{ ok: boolean; healthy: boolean }>,
): HealthChecker {
  const full = HealthCheck.parse({ intervalMs: 150, timeoutMs: 100, ...check });
  const checker: HealthChecker = new HealthChecker(
    { address: '127.0.0.1', port, check: { ...full, protocol: full.protocol ?? 'HTTP' } },
    (ok) => outcomes.push({ ok, healthy: checker.healthy }),
  );
  return checker;
}

describe('Health checks', function () {
  describe('HealthChecker', function () {
    let backend: HttpBackend;
    let status = 200;
    const seen: string[] = [];

    before(async function () {
      backend = await startHttpBackend('checked', (req, res) => {
        seen.push(`${req.method} ${req.url}`);
        res.statusCode = status;
        res.end();
      });
    });

    after(async function () {
      await backend.close();
    });

    it('sends HEAD to the path and passes on a matching status', async function () {
      status = 204;
      const outcomes: Array<{ ok: boolean; healthy: boolean }> = [];
      await results(newChecker(backend.port, { path: '/healthz', statusCodes: ['200-204'] }, outcomes), outcomes, 2);
      expect(outcomes.every((outcome) => outcome.ok)).to.equal(true);
      expect(seen.at(-1)).to.equal('HEAD /healthz');
    });

    it('fails on a status outside statusCodes, taking the server out after unhealthyThreshold failures', async function () {
      status = 500;
      const outcomes: Array<{ ok: boolean; healthy: boolean }> = [];
      await results(newChecker(backend.port, { statusCodes: ['2xx'], unhealthyThreshold: 3 }, outcomes), outcomes, 4);
      expect(outcomes).to.deep.equal([
        { ok: false, healthy: true },
        { ok: false, healthy: true },
        { ok: false, healthy: false },
        { ok: false, healthy: false },
      ]);
    });

    it('brings a server back after healthyThreshold successes', async function () {
      status = 500;
      const outcomes: Array<{ ok: boolean; healthy: boolean }> = [];
      const checker = newChecker(backend.port, { unhealthyThreshold: 1, healthyThreshold: 2 }, outcomes);
      checker.start();
      while (outcomes.length < 1) await sleep(10);
      status = 200;
      while (outcomes.length < 4) await sleep(10);
      checker.stop();
      expect(outcomes.slice(0, 4).map((outcome) => outcome.healthy)).to.deep.equal([false, false, true, true]);
    });

    it('fails a check that takes longer than timeoutMs', async function () {
      const silent = await startHttpBackend('silent', () => undefined);
      try {
        const outcomes: Array<{ ok: boolean; healthy: boolean }> = [];
        const started = Date.now();
        await results(
          newChecker(silent.port, { timeoutMs: 150, intervalMs: 200, unhealthyThreshold: 1 }, outcomes),
          outcomes,
          1,
        );
        expect(outcomes[0]).to.deep.equal({ ok: false, healthy: false });
        expect(Date.now() - started).to.be.at.least(150);
      } finally {
        await silent.close();
      }
    });

    it('checks TCP by connecting', async function () {
      const outcomes: Array<{ ok: boolean; healthy: boolean }> = [];
      await results(newChecker(backend.port, { protocol: 'TCP' }, outcomes), outcomes, 1);
      const closedPort = await freePort();
      await results(newChecker(closedPort, { protocol: 'TCP', unhealthyThreshold: 1 }, outcomes), outcomes, 2);
      expect(outcomes).to.deep.equal([
        { ok: true, healthy: true },
        { ok: false, healthy: false },
      ]);
    });

    it('spreads first probes with jitter instead of probing in lockstep', async function () {
      const firsts: number[] = [];
      const checkers = Array.from({ length: 12 }, () => {
        const checker = new HealthChecker(
          {
            address: '127.0.0.1',
            port: backend.port,
            check: { ...HealthCheck.parse({ intervalMs: 1000, timeoutMs: 500 }), protocol: 'TCP' },
          },
          () => firsts.push(Date.now()),
        );
        checker.start();
        return checker;
      });
      while (firsts.length < 12) await sleep(10);
      checkers.forEach((checker) => checker.stop());
      expect(Math.max(...firsts) - Math.min(...firsts)).to.be.above(200);
    });
  });

  describe('in the data plane', function () {
    let backends: HttpBackend[];
    let dataPlane: DataPlane;
    let registry: Registry;
    let port: number;
    const check = { intervalMs: 400, timeoutMs: 200, unhealthyThreshold: 2, healthyThreshold: 2 };

    before(async function () {
      backends = await startHttpBackends(['a', 'b', 'c']);
      ({ dataPlane, registry } = newDataPlane());
      port = await freePort();
      await applyOk(
        dataPlane,
        albResources({ port, servers: backends.map((backend) => ({ backend })), backend: { healthCheck: check } }),
      );
    });

    after(async function () {
      await dataPlane.stop(500);
      await Promise.all(backends.map((backend) => backend.close()));
    });

    it('takes a stopped server out within the bound, without client errors, and brings it back', async function () {
      this.timeout(20000);
      const stopped = backends[1]!;
      const healthyOf = () =>
        dataPlane.health()['lb/backend']!.find((server) => server.key === 'lb/servers/b')!.healthy;
      const clients = [clientFrom('127.0.0.2'), clientFrom('127.0.0.3')];
      const statuses: number[] = [];
      let running = true;
      const load = clients.map(async (client) => {
        while (running) {
          const answer = await fetchText(client, `http://${LB_ADDRESS}:${port}/`).catch(() => ({ status: 0 }));
          statuses.push(answer.status);
        }
      });
      try {
        await sleep(300);
        const stoppedAt = Date.now();
        await stopped.close();
        while (healthyOf()) await sleep(10);
        const downAfter = Date.now() - stoppedAt;
        expect(downAfter).to.be.at.most(check.intervalMs * check.unhealthyThreshold + check.timeoutMs);
        expect(
          await metricValue(registry, 'albkit_server_healthy{backend_service="lb/backend",server="lb/servers/b"}'),
        ).to.equal(0);
        const checksWhileDown = stopped.healthChecks;
        await sleep(300);
        const restartedAt = Date.now();
        await stopped.restart();
        while (!healthyOf()) await sleep(10);
        const upAfter = Date.now() - restartedAt;
        expect(upAfter).to.be.at.most(check.intervalMs * 1.1 * (check.healthyThreshold + 1) + check.timeoutMs);
        await sleep(300);
        expect(stopped.healthChecks).to.be.above(checksWhileDown);
      } finally {
        running = false;
        await Promise.all(load);
        await Promise.all(clients.map((client) => client.close()));
      }
      expect(statuses.length).to.be.above(50);
      expect(statuses.filter((status) => status !== 200)).to.deep.equal([]);
      expect(
        await metricValue(
          registry,
          'albkit_health_transitions_total{backend_service="lb/backend",server="lb/servers/b",state="down"}',
        ),
      ).to.equal(1);
    });

    it('reports server health per backend service', function () {
      const health = dataPlane.health();
      expect(Object.keys(health)).to.deep.equal(['lb/backend']);
      expect(health['lb/backend']!.map(({ key, address, healthy }) => ({ key, address, healthy }))).to.deep.equal(
        ['a', 'b', 'c'].map((name) => ({ key: `lb/servers/${name}`, address: '127.0.0.1', healthy: true })),
      );
      expect(health['lb/backend']![0]).to.have.all.keys('key', 'address', 'port', 'weight', 'healthy', 'active');
    });

    it('answers 503 when every server is down', async function () {
      this.timeout(10000);
      await Promise.all(backends.map((backend) => backend.close()));
      const client = clientFrom();
      try {
        while (dataPlane.health()['lb/backend']!.some((server) => server.healthy)) {
          await fetchText(client, `http://${LB_ADDRESS}:${port}/`);
          await sleep(20);
        }
        const answer = await fetchText(client, `http://${LB_ADDRESS}:${port}/`);
        expect(answer.status).to.equal(503);
      } finally {
        await client.close();
        await Promise.all(backends.map((backend) => backend.restart()));
      }
    });
  });
});
