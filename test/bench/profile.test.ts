import { expect } from 'chai';
import { frameLocation, hotFiles, hotFunctions, type CpuProfile } from '../../bench/profile';

const frame = (functionName: string, url: string, lineNumber: number) => ({ functionName, url, lineNumber });

const profile: CpuProfile = {
  startTime: 0,
  endTime: 1000,
  nodes: [
    { id: 1, callFrame: frame('(root)', '', -1) },
    { id: 2, callFrame: frame('proxyRequest', 'file:///repo/dist/runtime/dataplane/http-proxy.js', 41) },
    { id: 3, callFrame: frame('proxyRequest', 'file:///repo/dist/runtime/dataplane/http-proxy.js', 41) },
    { id: 4, callFrame: frame('', 'file:///repo/node_modules/undici/lib/core/util.js', 9) },
    { id: 5, callFrame: frame('(garbage collector)', '', -1) },
    { id: 6, callFrame: frame('(idle)', '', -1) },
  ],
  samples: [2, 3, 6, 3, 4, 5, 5, 2, 6, 2, 4, 5, 6],
  timeDeltas: [10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10],
};

describe('CPU profile ranking', () => {
  it('adds up a function reached by several paths and ranks by share of the busy samples', () => {
    expect(hotFunctions(profile)).to.deep.equal([
      { name: 'proxyRequest (runtime/dataplane/http-proxy.js:42)', selfPercent: 50 },
      { name: '(garbage collector)', selfPercent: 30 },
      { name: '(anonymous) (undici/lib/core/util.js:10)', selfPercent: 20 },
    ]);
    expect(hotFunctions(profile, 1)).to.have.length(1);
  });

  it('keeps only the samples inside a time window', () => {
    // samples at 10, 20, … 130 µs: the window 15–45 holds nodes 3, 6 (idle) and 3
    expect(hotFunctions(profile, 25, { fromMicros: 15, toMicros: 45 })).to.deep.equal([
      { name: 'proxyRequest (runtime/dataplane/http-proxy.js:42)', selfPercent: 100 },
    ]);
  });

  it('adds up self time by file', () => {
    expect(hotFiles(profile).map((hot) => hot.name)).to.deep.equal([
      'runtime/dataplane/http-proxy.js',
      '(garbage collector)',
      'undici/lib/core/util.js',
    ]);
  });

  it('shortens locations to the package or the built tree', () => {
    expect(frameLocation('node:_http_server', 300)).to.equal('node:_http_server:301');
    expect(frameLocation('', 0)).to.equal('');
  });
});
