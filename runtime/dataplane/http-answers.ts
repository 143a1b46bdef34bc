/**
 * The answers the listener makes itself, without a server: the proxy's (no server, server errors, refused
 * requests), the connection's refusals (a head that does not parse, is too large or too slow), the upgrade
 * path's, and a url map rule's redirects and fixed responses. Each is a status, a body and the head made from them (Content-Length counted here, never by hand);
 * `answerText` adds the Date and the connection lines when it is sent.
 */
import { STATUS_CODES } from 'node:http';

/** An answer made here: the status line and headers up to Date, and the body. */
export interface CannedAnswer {
  readonly status: number;
  readonly head: string;
  readonly body: string;
}

function canned(status: number, body: string): CannedAnswer {
  return customAnswer(
    status,
    body === '' ? '' : 'content-type: text/plain; charset=utf-8\r\ncache-control: no-store\r\n',
    body,
  );
}

/** An answer with `status`, the header `lines` (each ending in CRLF) and `body` (latin1: one byte per character). */
export function customAnswer(status: number, lines: string, body: string): CannedAnswer {
  return {
    status,
    head: `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n${lines}content-length: ${Buffer.byteLength(
      body,
      'latin1',
    )}\r\n`,
    body,
  };
}

/** Every answer the listener makes itself. */
export const ANSWERS = {
  /** A request the parser refused, without a Host, or with a broken body framing. */
  badRequest: canned(400, ''),
  /** CONNECT. */
  methodNotAllowed: canned(405, ''),
  /** The request's head did not arrive within the headers timeout. */
  headersTimeout: canned(408, ''),
  /** The request body fell below the minimum rate. */
  bodyTooSlow: canned(408, '408 Request Timeout: the request body arrived too slowly\n'),
  /** An `Expect` other than `100-continue`. */
  expectationFailed: canned(417, ''),
  /** Too many header fields, or a head over the byte limit. */
  headersTooLarge: canned(431, '431 Request Header Fields Too Large\n'),
  /** The server failed or closed before answering. */
  badGateway: canned(502, '502 Bad Gateway\n'),
  /** No healthy server. */
  noHealthyServer: canned(503, '503 Service Unavailable: no healthy server\n'),
  /** Every server at its connection cap, and the queue full or the wait ran out. */
  allAtCap: canned(503, '503 Service Unavailable: every server is at its connection limit\n'),
  /** The server stayed silent past the timeout. */
  gatewayTimeout: canned(504, '504 Gateway Timeout\n'),
} as const satisfies Record<string, CannedAnswer>;

/** The interim answer to `Expect: 100-continue`, sent before the request body is read. */
export const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';

/** The response line of a connection that closes after the response. */
export const CLOSE_LINE = 'connection: close\r\n';

let dateText = '';
let dateSecond = 0;
/** The current time as an HTTP date, computed once per second. */
export function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}

/** The bytes of `answer` (latin1): its head, Date, `connectionLines` (`CLOSE_LINE` or keep-alive lines), its body. */
export function answerText(answer: CannedAnswer, connectionLines: string): string {
  return `${answer.head}date: ${httpDate()}\r\n${connectionLines}\r\n${answer.body}`;
}
