import { expect } from 'chai';
import fc from 'fast-check';
import { isIPv4 } from 'node:net';
import { proxyV1Header, PROXY_V1_MAX_LENGTH, PROXY_V1_UNKNOWN } from '../../../runtime/dataplane/proxy-protocol';

/** The v1 line grammar of doc/proxy-protocol.txt §2.1 for TCP4/TCP6: single spaces, no leading zeros, CRLF. */
const PORT = '(0|[1-9]\\d{0,4})';
const LINE = new RegExp(`^PROXY (TCP4|TCP6) (\\S+) (\\S+) ${PORT} ${PORT}\\r\\n$`);

/** An IPv4-mapped address as plain IPv4, anything else unchanged. */
function unmapped(address: string): string {
  return address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
}

/** The WHATWG URL serialization of an address as IPv6: lowercase hexadecimal groups, RFC 5952 compression. */
function asIpv6(address: string): string {
  const v6 = isIPv4(address) ? `::ffff:${address}` : address;
  return new URL(`http://[${v6}]/`).hostname.slice(1, -1);
}

describe('PROXY protocol v1 header', () => {
  it('names TCP4, the client, the listener address and both ports', () => {
    expect(proxyV1Header({ address: '192.168.0.1', port: 56324 }, { address: '192.168.0.11', port: 443 })).to.equal(
      'PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n',
    );
  });

  it('uses TCP6 for IPv6 ends', () => {
    expect(proxyV1Header({ address: '2001:db8::1', port: 1 }, { address: '::1', port: 65535 })).to.equal(
      'PROXY TCP6 2001:db8::1 ::1 1 65535\r\n',
    );
  });

  it('reports IPv4-mapped IPv6 addresses as TCP4 in their plain form', () => {
    expect(
      proxyV1Header({ address: '::ffff:10.0.0.7', port: 5000 }, { address: '::FFFF:10.0.0.1', port: 8443 }),
    ).to.equal('PROXY TCP4 10.0.0.7 10.0.0.1 5000 8443\r\n');
  });

  it('sends both ends as TCP6 when only one is IPv6', () => {
    expect(proxyV1Header({ address: '10.0.0.7', port: 5000 }, { address: 'fe80::1%eth0', port: 8443 })).to.equal(
      'PROXY TCP6 ::ffff:a00:7 fe80::1 5000 8443\r\n',
    );
  });

  it('writes IPv6 addresses in hexadecimal groups, compressed as RFC 5952 says', () => {
    const line = (address: string): string => proxyV1Header({ address, port: 1 }, { address: '::1', port: 2 });
    expect(line('2001:0DB8:0:0:1:0:0:1')).to.equal('PROXY TCP6 2001:db8::1:0:0:1 ::1 1 2\r\n');
    expect(line('2001:db8:0:1:1:1:1:1')).to.equal('PROXY TCP6 2001:db8:0:1:1:1:1:1 ::1 1 2\r\n');
    expect(line('2001:db8::102:304')).to.equal(line('2001:db8::1.2.3.4'));
    expect(line('0:0:0:0:0:0:0:0')).to.equal('PROXY TCP6 :: ::1 1 2\r\n');
  });

  it('says UNKNOWN when an address or port is not known', () => {
    expect(proxyV1Header({ address: undefined, port: undefined }, { address: '10.0.0.1', port: 80 })).to.equal(
      PROXY_V1_UNKNOWN,
    );
    expect(proxyV1Header({ address: '10.0.0.7', port: 5000 }, { address: '10.0.0.1', port: undefined })).to.equal(
      PROXY_V1_UNKNOWN,
    );
    expect(proxyV1Header({ address: 'not-an-address', port: 5000 }, { address: '10.0.0.1', port: 80 })).to.equal(
      PROXY_V1_UNKNOWN,
    );
    expect(PROXY_V1_UNKNOWN).to.equal('PROXY UNKNOWN\r\n');
  });

  it('always matches the specification grammar within its length limit, naming the same addresses', () => {
    const address = fc.oneof(fc.ipV4(), fc.ipV6());
    const port = fc.integer({ min: 0, max: 65535 });
    fc.assert(
      fc.property(address, port, address, port, (src, srcPort, dst, dstPort) => {
        const line = proxyV1Header({ address: src, port: srcPort }, { address: dst, port: dstPort });
        const match = LINE.exec(line);
        expect(match, line).to.not.equal(null);
        const [, family, lineSrc, lineDst, lineSrcPort, lineDstPort] = match!;
        const four = isIPv4(unmapped(src)) && isIPv4(unmapped(dst));
        expect(family, line).to.equal(four ? 'TCP4' : 'TCP6');
        expect([lineSrc, lineDst], line).to.deep.equal(
          four ? [unmapped(src), unmapped(dst)] : [asIpv6(src), asIpv6(dst)],
        );
        expect(lineSrc, line).to.match(/^[0-9a-f:]+$|^[0-9.]+$/);
        expect([Number(lineSrcPort), Number(lineDstPort)]).to.deep.equal([srcPort, dstPort]);
        expect(Buffer.byteLength(line)).to.be.at.most(PROXY_V1_MAX_LENGTH);
      }),
      { numRuns: 2000 },
    );
  });
});
