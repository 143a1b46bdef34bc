import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, type NetworkInterfaceInfo } from 'node:os';
import { join } from 'node:path';
import { isHostAddress, isLocalEndpoint, type HostInterfaces } from '../../../runtime/deploy/local-host';
import { resolveTarget } from '../../../runtime/deploy/target';

const info = (address: string, cidr: string, internal: boolean): NetworkInterfaceInfo => ({
  address,
  cidr,
  internal,
  family: 'IPv4',
  netmask: '',
  mac: '00:00:00:00:00:00',
});

/** A host with loopback and one address on eth0. */
const HOST: HostInterfaces = {
  lo: [info('127.0.0.1', '127.0.0.1/8', true)],
  eth0: [info('192.0.2.2', '192.0.2.2/24', false)],
};

describe("this host's addresses", () => {
  it("has its interfaces' addresses and the wildcard, not their neighbours", () => {
    expect(isHostAddress('192.0.2.2', HOST)).to.equal(true);
    expect(isHostAddress('0.0.0.0', HOST)).to.equal(true);
    expect(isHostAddress('192.0.2.3', HOST)).to.equal(false);
    expect(isHostAddress('10.0.1.1', HOST)).to.equal(false);
  });

  it('has the whole loopback network on Linux, only 127.0.0.1 elsewhere', () => {
    expect(isHostAddress('127.0.0.10', HOST, 'linux')).to.equal(true);
    expect(isHostAddress('127.0.0.10', HOST, 'darwin')).to.equal(false);
    expect(isHostAddress('127.0.0.1', HOST, 'darwin')).to.equal(true);
  });

  it('has 127.0.0.2, which a test binds here', () => {
    if (process.platform === 'linux') expect(isHostAddress('127.0.0.2')).to.equal(true);
    expect(isHostAddress('127.0.0.1')).to.equal(true);
  });

  it('knows an endpoint on this host: localhost, loopback, an address of its own; any other host is not judged by these', () => {
    expect(isLocalEndpoint('http://127.0.0.1:7070', HOST)).to.equal(true);
    expect(isLocalEndpoint('http://127.0.0.5:7070', HOST)).to.equal(true);
    expect(isLocalEndpoint('http://localhost:7070', HOST)).to.equal(true);
    expect(isLocalEndpoint('http://192.0.2.2:7070', HOST)).to.equal(true);
    expect(isLocalEndpoint('http://192.0.2.9:7070', HOST)).to.equal(false);
    expect(isLocalEndpoint('https://alb.example.com', HOST)).to.equal(false);
  });

  it('takes an agent found through the state directory, or at a loopback --endpoint, as local, and one elsewhere as not', async () => {
    const saved = { endpoint: process.env.ALBKIT_ENDPOINT, token: process.env.ALBKIT_TOKEN };
    delete process.env.ALBKIT_ENDPOINT;
    process.env.ALBKIT_TOKEN = 't';
    const stateDir = await mkdtemp(join(tmpdir(), 'albkit-target-'));
    try {
      // An agent writes the endpoint file of a state directory on its own host, whatever address it serves on.
      await writeFile(join(stateDir, 'endpoint'), 'http://192.0.2.200:7070\n');
      expect((await resolveTarget({ stateDir })).local).to.equal(true);
      expect((await resolveTarget({ endpoint: 'http://127.0.0.1:7070' })).local).to.equal(true);
      expect((await resolveTarget({ endpoint: 'http://10.9.9.9:7070' })).local).to.equal(false);
      expect((await resolveTarget({ endpoint: 'https://alb.example.com' })).local).to.equal(false);
    } finally {
      await rm(stateDir, { recursive: true, force: true });
      for (const [key, value] of [
        ['ALBKIT_ENDPOINT', saved.endpoint],
        ['ALBKIT_TOKEN', saved.token],
      ] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});
