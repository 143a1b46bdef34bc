import { expect } from 'chai';
import { parseDuration, parseWrk } from '../../bench/wrk';

const OUTPUT = `Running 10s test @ http://127.0.0.1:25010/
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   812.34us  200.01us   1.05s    90.00%
    Req/Sec    60.12k     2.00k   65.00k    80.00%
  Latency Distribution
     50%  780.00us
     75%  900.10us
     90%    1.10ms
     99%    2.50ms
  601234 requests in 10.00s, 120.00MB read
  Socket errors: connect 1, read 2, write 3, timeout 4
  Non-2xx or 3xx responses: 5
Requests/sec:  60123.40
Transfer/sec:     12.00MB
`;

describe('wrk output parser', () => {
  it('reads requests, rate, latency percentiles in milliseconds and errors', () => {
    const result = parseWrk(OUTPUT);
    expect(result.requests).to.equal(601234);
    expect(result.seconds).to.equal(10);
    expect(result.requestsPerSecond).to.equal(60123.4);
    expect(result.latencyMeanMs).to.be.closeTo(0.81234, 1e-9);
    expect(result.p50Ms).to.be.closeTo(0.78, 1e-9);
    expect(result.p75Ms).to.be.closeTo(0.9001, 1e-9);
    expect(result.p90Ms).to.be.closeTo(1.1, 1e-9);
    expect(result.p99Ms).to.be.closeTo(2.5, 1e-9);
    expect(result.socketErrors).to.equal(10);
    expect(result.non2xx).to.equal(5);
  });

  it('counts no errors when wrk prints no error lines', () => {
    const clean = OUTPUT.replace(/^ {2}Socket errors.*\n/m, '').replace(/^ {2}Non-2xx.*\n/m, '');
    const result = parseWrk(clean);
    expect(result.socketErrors).to.equal(0);
    expect(result.non2xx).to.equal(0);
  });

  it('rejects output without a latency distribution, naming what is missing', () => {
    const without = OUTPUT.replace(/^ +99% .*\n/m, '');
    expect(() => parseWrk(without)).to.throw(/99% latency/);
  });

  it('converts every unit wrk prints', () => {
    expect(parseDuration('250.00us')).to.be.closeTo(0.25, 1e-12);
    expect(parseDuration('3.20ms')).to.equal(3.2);
    expect(parseDuration('1.50s')).to.equal(1500);
    expect(parseDuration('1.00m')).to.equal(60000);
    expect(() => parseDuration('12 parsecs')).to.throw(/cannot read the duration/);
  });
});
