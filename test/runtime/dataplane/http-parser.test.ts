/**
 * The guard on Node's undocumented llhttp binding (`_http_common`): every call and argument the listener and
 * the upstream client rely on. A Node upgrade that changes any of them fails here, not in production.
 */
import { expect } from 'chai';
import {
  HTTPParser,
  METHODS,
  newParser,
  type HttpParser,
  type ParseError,
} from '../../../runtime/dataplane/node-internals/http-parser';

interface Seen {
  events: unknown[][];
}

function recorder(type: number, maxHeaderSize = 0): { parser: HttpParser<Seen>; seen: Seen } {
  const seen: Seen = { events: [] };
  const parser = newParser(type, maxHeaderSize, seen, {
    headers(headers, url) {
      this.owner.events.push(['headers', headers.length, url]);
    },
    headersComplete(major, minor, headers, method, url, statusCode, statusText, upgrade, keepAlive) {
      this.owner.events.push([
        'complete',
        major,
        minor,
        headers,
        method === undefined ? undefined : METHODS[method],
        url,
        statusCode,
        statusText,
        upgrade,
        keepAlive,
      ]);
      return 0;
    },
    body(chunk) {
      this.owner.events.push(['body', chunk.toString()]);
    },
    messageComplete() {
      this.owner.events.push(['end']);
    },
  });
  return { parser, seen };
}

describe('HTTP parser binding (Node internals)', function () {
  it('parses pipelined requests: version, raw headers, method name, URL, keep-alive, body copies', function () {
    const { parser, seen } = recorder(HTTPParser.REQUEST);
    const input = Buffer.from(
      'POST /a?b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.0\r\nHost: y\r\n\r\n',
    );
    expect(parser.execute(input)).to.equal(input.length);
    input.fill(0);
    expect(seen.events).to.deep.equal([
      ['complete', 1, 1, ['Host', 'x', 'Content-Length', '3'], 'POST', '/a?b', undefined, undefined, false, true],
      ['body', 'abc'],
      ['end'],
      ['complete', 1, 0, ['Host', 'y'], 'GET', '/', undefined, undefined, false, false],
      ['end'],
    ]);
    parser.close();
  });

  it('stops after an upgrade request head, returning the bytes parsed', function () {
    const { parser, seen } = recorder(HTTPParser.REQUEST);
    const head = 'GET /chat HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n';
    expect(parser.execute(Buffer.from(`${head}tunnel bytes`))).to.equal(head.length);
    expect(seen.events[0]![8]).to.equal(true);
    parser.close();
  });

  it('delivers more than 32 header fields through the headers callback first', function () {
    const { parser, seen } = recorder(HTTPParser.REQUEST);
    const fields = Array.from({ length: 40 }, (_, i) => `x-${i}: ${i}\r\n`).join('');
    parser.execute(Buffer.from(`GET /long HTTP/1.1\r\nHost: x\r\n${fields}\r\n`));
    const first = seen.events[0]!;
    expect(first[0]).to.equal('headers');
    const complete = seen.events.find((event) => event[0] === 'complete')!;
    const counted = seen.events
      .filter((event) => event[0] === 'headers')
      .reduce((sum, event) => sum + (event[1] as number), 0);
    expect(counted + ((complete[3] as string[] | undefined)?.length ?? 0)).to.equal(82);
    parser.close();
  });

  it('reports request smuggling shapes and oversized heads as errors with llhttp codes', function () {
    const codes = [
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\n',
      `GET / HTTP/1.1\r\nHost: x\r\nx-big: ${'y'.repeat(200)}\r\n\r\n`,
      'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET / HTTP/1.1\r\n',
    ].map((text) => {
      const { parser } = recorder(HTTPParser.REQUEST, 100);
      const result = parser.execute(Buffer.from(text));
      parser.close();
      return (result as ParseError).code;
    });
    expect(codes).to.deep.equal([
      'HPE_INVALID_TRANSFER_ENCODING',
      'HPE_UNEXPECTED_CONTENT_LENGTH',
      'HPE_HEADER_OVERFLOW',
      'HPE_CLOSED_CONNECTION',
    ]);
  });

  it('parses responses: status, reason, informational ones, chunked bodies, and a body ended by finish()', function () {
    const { parser, seen } = recorder(HTTPParser.RESPONSE);
    parser.execute(
      Buffer.from(
        'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n',
      ),
    );
    parser.execute(Buffer.from('HTTP/1.1 201 Made\r\nConnection: close\r\n\r\nto the end'));
    expect(parser.finish()).to.equal(undefined);
    expect(seen.events).to.deep.equal([
      ['complete', 1, 1, [], undefined, undefined, 100, 'Continue', false, true],
      ['end'],
      ['complete', 1, 1, ['Transfer-Encoding', 'chunked'], undefined, undefined, 200, 'OK', false, true],
      ['body', 'ok'],
      ['end'],
      ['complete', 1, 1, ['Connection', 'close'], undefined, undefined, 201, 'Made', false, false],
      ['body', 'to the end'],
      ['end'],
    ]);
    parser.close();
  });

  it('skips the body when headersComplete returns 1 (a response to HEAD)', function () {
    const seen: unknown[] = [];
    const parser = newParser(HTTPParser.RESPONSE, 0, seen, {
      headers() {},
      headersComplete() {
        return 1;
      },
      body(chunk) {
        this.owner.push(chunk.toString());
      },
      messageComplete() {
        this.owner.push('end');
      },
    });
    parser.execute(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n'));
    expect(seen).to.deep.equal(['end', 'end']);
    parser.close();
  });
});
