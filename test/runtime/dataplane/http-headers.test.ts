/**
 * The header builders (http-headers.ts), table-driven: for each request or response as Node's parser hands
 * it over (raw `[name, value…]`), the exact head sent on and the flags set.
 */
import { expect } from 'chai';
import {
  BAD_HOST,
  CHUNKED,
  EXPECT_CONTINUE,
  EXPECT_OTHER,
  HAS_BODY,
  HAS_DATE,
  HAS_HOST,
  HAS_LENGTH,
  buildResponseHead,
  buildUpstreamHead,
  type Head,
} from '../../../runtime/dataplane/http-headers';

/** The lines every request gets from a client at 127.0.0.2 on an `http` listener at 127.0.0.1:8080. */
const FORWARDED = 'x-forwarded-for: 127.0.0.2\r\nx-forwarded-proto: http\r\nx-forwarded-port: 8080\r\n\r\n';

interface RequestCase {
  readonly name: string;
  readonly method?: string;
  readonly url?: string;
  readonly raw: readonly string[];
  readonly head: string;
  readonly flags: number;
}

const REQUESTS: readonly RequestCase[] = [
  {
    name: 'copies end-to-end headers in order and appends the forwarded ones',
    url: '/a',
    raw: ['Host', 'lb.example', 'User-Agent', 'curl'],
    head: `GET /a HTTP/1.1\r\nHost: lb.example\r\nUser-Agent: curl\r\n${FORWARDED}`,
    flags: HAS_HOST,
  },
  {
    name: "appends the client to X-Forwarded-For and replaces the client's X-Forwarded-Proto and -Port",
    raw: ['Host', 'lb', 'X-Forwarded-For', '10.0.0.1', 'X-Forwarded-Proto', 'https', 'X-Forwarded-Port', '1'],
    head: 'GET / HTTP/1.1\r\nHost: lb\r\nx-forwarded-for: 10.0.0.1, 127.0.0.2\r\nx-forwarded-proto: http\r\nx-forwarded-port: 8080\r\n\r\n',
    flags: HAS_HOST,
  },
  {
    name: 'keeps Content-Length and flags a body',
    method: 'POST',
    raw: ['Host', 'lb', 'Content-Length', '3'],
    head: `POST / HTTP/1.1\r\nHost: lb\r\nContent-Length: 3\r\n${FORWARDED}`,
    flags: HAS_HOST | HAS_BODY,
  },
  {
    name: 'sends a chunked body chunked',
    method: 'POST',
    raw: ['Host', 'lb', 'Transfer-Encoding', 'chunked'],
    head: `POST / HTTP/1.1\r\nHost: lb\r\ntransfer-encoding: chunked\r\n${FORWARDED}`,
    flags: HAS_HOST | HAS_BODY | CHUNKED,
  },
  {
    name: 'drops hop-by-hop headers and the names Connection lists',
    raw: [
      'Host',
      'lb',
      'Connection',
      'keep-alive, X-Secret',
      'X-Secret',
      's',
      'Keep-Alive',
      'timeout=5',
      'Proxy-Connection',
      'x',
      'TE',
      'trailers',
      'Upgrade',
      'h2c',
    ],
    head: `GET / HTTP/1.1\r\nHost: lb\r\n${FORWARDED}`,
    flags: HAS_HOST,
  },
  {
    name: 'never drops Content-Length or Host for a Connection token',
    raw: ['Host', 'lb', 'Connection', 'Content-Length, Host', 'Content-Length', '0'],
    head: `GET / HTTP/1.1\r\nHost: lb\r\nContent-Length: 0\r\n${FORWARDED}`,
    flags: HAS_HOST,
  },
  {
    name: "gives a request without Host the listener's address and port",
    raw: [],
    head: `GET / HTTP/1.1\r\nhost: 127.0.0.1:8080\r\n${FORWARDED}`,
    flags: 0,
  },
  {
    name: 'sends an absolute-form target in origin form, its authority the Host',
    url: 'http://a.example:81/x?y',
    raw: ['Host', 'other'],
    head: `GET /x?y HTTP/1.1\r\nhost: a.example:81\r\n${FORWARDED}`,
    flags: HAS_HOST,
  },
  {
    name: 'accepts a bracketed IP literal Host',
    raw: ['Host', '[::1]:80'],
    head: `GET / HTTP/1.1\r\nHost: [::1]:80\r\n${FORWARDED}`,
    flags: HAS_HOST,
  },
  {
    name: 'flags Host given twice',
    raw: ['Host', 'lb', 'Host', 'lb2'],
    head: `GET / HTTP/1.1\r\nHost: lb\r\nHost: lb2\r\n${FORWARDED}`,
    flags: HAS_HOST | BAD_HOST,
  },
  {
    name: 'flags an empty Host',
    raw: ['Host', ''],
    head: `GET / HTTP/1.1\r\nHost: \r\n${FORWARDED}`,
    flags: HAS_HOST | BAD_HOST,
  },
  {
    name: 'flags a Host that is not host[:port]',
    raw: ['Host', 'bad host'],
    head: `GET / HTTP/1.1\r\nHost: bad host\r\n${FORWARDED}`,
    flags: HAS_HOST | BAD_HOST,
  },
  {
    name: 'drops Expect: 100-continue (the listener answers it) and flags it',
    method: 'POST',
    raw: ['Host', 'lb', 'Expect', '100-continue', 'Content-Length', '1'],
    head: `POST / HTTP/1.1\r\nHost: lb\r\nContent-Length: 1\r\n${FORWARDED}`,
    flags: HAS_HOST | HAS_BODY | EXPECT_CONTINUE,
  },
  {
    name: 'flags any other Expect (answered 417)',
    method: 'POST',
    raw: ['Host', 'lb', 'Expect', 'something', 'Content-Length', '1'],
    head: `POST / HTTP/1.1\r\nHost: lb\r\nContent-Length: 1\r\n${FORWARDED}`,
    flags: HAS_HOST | HAS_BODY | EXPECT_OTHER,
  },
];

interface ResponseCase {
  readonly name: string;
  readonly status: number;
  readonly reason: string;
  readonly raw: readonly string[];
  readonly head: string;
  readonly flags: number;
}

const RESPONSES: readonly ResponseCase[] = [
  {
    name: 'drops hop-by-hop headers and framing, flags Content-Length and Date',
    status: 200,
    reason: 'OK',
    raw: [
      'Content-Length',
      '2',
      'Date',
      'x',
      'Connection',
      'close',
      'Keep-Alive',
      't',
      'Transfer-Encoding',
      'chunked',
      'Server',
      's',
    ],
    head: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nDate: x\r\nServer: s\r\n',
    flags: HAS_LENGTH | HAS_DATE,
  },
  {
    name: 'drops the names Connection lists',
    status: 204,
    reason: 'No Content',
    raw: ['Connection', 'X-Trace', 'X-Trace', '1', 'X-Keep', '2'],
    head: 'HTTP/1.1 204 No Content\r\nX-Keep: 2\r\n',
    flags: 0,
  },
  {
    name: 'makes a status line alone for no headers',
    status: 404,
    reason: 'Not Found',
    raw: [],
    head: 'HTTP/1.1 404 Not Found\r\n',
    flags: 0,
  },
  {
    name: 'drops Trailer and Upgrade, keeps end-to-end ones',
    status: 200,
    reason: 'OK',
    raw: ['Proxy-Authenticate', 'b', 'Trailer', 'x', 'Upgrade', 'ws'],
    head: 'HTTP/1.1 200 OK\r\nProxy-Authenticate: b\r\n',
    flags: 0,
  },
];

describe('HTTP header builders', function () {
  for (const { name, method = 'GET', url = '/', raw, head, flags } of REQUESTS) {
    it(`request: ${name}`, function () {
      const target: Head = { head: '', flags: -1 };
      buildUpstreamHead(target, method, url, raw, '127.0.0.2', 'http', '8080', '127.0.0.1');
      expect(target).to.deep.equal({ head, flags });
    });
  }
  for (const { name, status, reason, raw, head, flags } of RESPONSES) {
    it(`response: ${name}`, function () {
      const target: Head = { head: '', flags: -1 };
      buildResponseHead(target, status, reason, raw);
      expect(target).to.deep.equal({ head, flags });
    });
  }
});
