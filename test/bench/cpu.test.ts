import { expect } from 'chai';
import {
  coreUsage,
  parseParentPid,
  parseProcStat,
  parseProcessTicks,
  processTree,
  sampleCores,
  treeCpuSeconds,
} from '../../bench/cpu';

const STAT_BEFORE = `cpu  300 0 100 1000 10 0 5 0 0 0
cpu0 200 0 50 400 5 0 5 0 0 0
cpu1 100 0 50 600 5 0 0 0 0 0
intr 12345
`;
const STAT_AFTER = `cpu  600 0 200 1100 10 0 5 0 0 0
cpu0 250 0 50 450 5 0 5 0 0 0
cpu1 350 0 150 600 5 0 0 0 0 0
`;

describe('/proc CPU accounting', () => {
  it('reads busy and idle ticks per core, skipping the aggregate line', () => {
    const cores = parseProcStat(STAT_BEFORE);
    expect(cores).to.deep.equal([
      { busy: 255, idle: 405 },
      { busy: 150, idle: 605 },
    ]);
  });

  it('turns two samples into each core’s busy share and busy seconds', () => {
    const usage = coreUsage(parseProcStat(STAT_BEFORE), parseProcStat(STAT_AFTER), 100);
    expect(usage[0]!.busyPercent).to.equal(50);
    expect(usage[0]!.busySeconds).to.equal(0.5);
    expect(usage[1]!.busyPercent).to.equal(100);
    expect(usage[1]!.busySeconds).to.equal(3.5);
  });

  it('reads utime + stime and the parent of a process whose name holds spaces and parentheses', () => {
    const stat = '4242 (node (bench) x) S 77 4242 4242 0 -1 4194560 500 0 0 0 120 30 0 0 20 0 11 0 999 0 0';
    expect(parseProcessTicks(stat)).to.equal(150);
    expect(parseParentPid(stat)).to.equal(77);
  });

  it('finds this machine’s cores and this process’s own CPU time', () => {
    expect(sampleCores().length).to.be.greaterThan(0);
    let spin = 0;
    const until = Date.now() + 50;
    while (Date.now() < until) spin += 1;
    expect(spin).to.be.greaterThan(0);
    expect(treeCpuSeconds(process.pid)).to.be.greaterThan(0);
    expect(processTree(process.pid)[0]).to.equal(process.pid);
  });
});
