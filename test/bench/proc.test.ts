import { expect } from 'chai';
import { createServer, type Server } from 'node:net';
import { assertPortsFree, isListening, runBounded, startDaemon, waitForPort } from '../../bench/proc';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PROC_NET_TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:61A9 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 100 0 0 10 0
   1: 0100007F:61AA 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 2 1 0000000000000000 20 4 30 10 -1
   2: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3 1 0000000000000000 100 0 0 10 0
`;

describe('bench processes', () => {
  it('reads listening sockets from /proc/net/tcp without connecting', () => {
    expect(isListening(PROC_NET_TCP, '127.0.0.1', 25001)).to.equal(true);
    expect(isListening(PROC_NET_TCP, '127.0.0.1', 25002)).to.equal(false); // established, not listening
    expect(isListening(PROC_NET_TCP, '127.0.0.1', 8080)).to.equal(true); // bound to every address
  });

  it('sees a real listener, refuses to start on its port, and no connection reaches it', async () => {
    let connections = 0;
    const server: Server = createServer(() => (connections += 1));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    expect(isListening(readFileSync('/proc/net/tcp', 'utf8'), '127.0.0.1', port)).to.equal(true);
    expect(() => assertPortsFree('haproxy', [port])).to.throw(
      `haproxy: port ${port} is already in use by another process`,
    );
    await new Promise((resolve) => server.close(resolve));
    expect(() => assertPortsFree('haproxy', [port])).not.to.throw();
    expect(connections).to.equal(0);
  });

  it('starts a pinned daemon, fails the wait when it exits, and stops it by PID', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'albkit-bench-proc-'));
    try {
      const short = startDaemon({
        name: 'false',
        core: 0,
        command: 'false',
        args: [],
        logFile: join(dir, 'false.log'),
      });
      await waitForPort(short, 1, '127.0.0.1', 5000).then(
        () => expect.fail('waitForPort should fail'),
        (error: Error) => expect(error.message).to.match(/false exited \(1\) before listening/),
      );
      const sleeper = startDaemon({
        name: 'sleep',
        core: 0,
        command: 'sleep',
        args: ['30'],
        logFile: join(dir, 'sleep.log'),
      });
      // taskset pins itself, then execs the program under the same PID
      while (readFileSync(`/proc/${sleeper.pid}/comm`, 'utf8').trim() !== 'sleep')
        await new Promise((resolve) => setTimeout(resolve, 10));
      expect(readFileSync(`/proc/${sleeper.pid}/status`, 'utf8')).to.match(/Cpus_allowed_list:\s+0\n/);
      await sleeper.stop(1000);
      expect(await sleeper.exited).to.equal('SIGTERM');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops a run that overruns its time, and says so', async () => {
    const started = Date.now();
    await runBounded('sleep', ['30'], 200).then(
      () => expect.fail('the run should have been stopped'),
      (error: Error) => expect(error.message).to.match(/sleep 30 was stopped after 200 ms/),
    );
    expect(Date.now() - started).to.be.lessThan(5000);
  });

  it('interrupts a run when asked, keeping what it printed (as wrk prints its figures on SIGINT)', async () => {
    const script = `trap 'echo figures; kill $!; exit 0' INT; echo started; sleep 10 & wait`;
    const { stdout } = await runBounded('sh', ['-c', script], 10000, {
      interrupt: new Promise((resolve) => setTimeout(resolve, 300)),
    });
    expect(stdout).to.equal('started\nfigures\n');
  });
});
