/**
 * Node's own HTTP/1.1 parser (llhttp), the binding `node:http` uses, loaded once for both sides of the proxy:
 * the listener parses requests with it, the upstream client responses. It reports a message as a few calls
 * (headers as one flat `[name, value…]` array, body chunks, completion) instead of one per field.
 *
 * The binding is undocumented (exposed through `_http_common`): a Node upgrade must pass
 * `test/runtime/dataplane/http-parser.test.ts`, which checks every call and argument used here.
 */

/** The binding's parser object; callbacks are set on it under the `kOn…` indexes of `HttpParserClass`. */
export interface HttpParser<Owner = unknown> {
  /** The connection this parser reads for; callbacks reach it through `this.owner`. */
  owner: Owner;
  /** Prepares for messages of `type` (`REQUEST` or `RESPONSE`); `maxHeaderSize` 0 is Node's default. */
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
  /** Parses a chunk; the bytes parsed (less than all when a request upgrades) or the parse error. */
  execute(data: Buffer): number | ParseError;
  /** Ends the input: completes a message delimited by the end of the connection, or errs. */
  finish(): number | ParseError | undefined;
  close(): void;
  [key: number]: unknown;
}

/** What `execute` returns on invalid input: `code` is llhttp's (`HPE_HEADER_OVERFLOW`…). */
export interface ParseError extends Error {
  readonly code: string;
  readonly bytesParsed: number;
}

interface HttpParserClass {
  new (): HttpParser<unknown>;
  readonly REQUEST: number;
  readonly RESPONSE: number;
  readonly kOnHeaders: number;
  readonly kOnHeadersComplete: number;
  readonly kOnBody: number;
  readonly kOnMessageComplete: number;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const common = require('_http_common') as { HTTPParser: HttpParserClass; methods: readonly string[] };

/**
 * The one buffer HTTP connections read into (upstream connections, and plain HTTP client connections). The
 * parser copies what it keeps (header strings, body chunks), so the buffer is free again as soon as a read
 * has been parsed: no allocation per read. Anything else kept from a read must be copied out.
 */
export const readBuffer = Buffer.allocUnsafe(64 * 1024);

/** The parser class. */
export const HTTPParser = common.HTTPParser;

/** Request methods by the index the parser reports them with. */
export const METHODS = common.methods;

/**
 * Signature of the headers-complete callback. Requests have `method` (an index into `METHODS`) and `url`;
 * responses `statusCode` and `statusText`. Returning 1 tells the parser no body follows (a HEAD response).
 */
export type HeadersCompleteCallback<Owner> = (
  this: HttpParser<Owner>,
  versionMajor: number,
  versionMinor: number,
  headers: string[] | undefined,
  method: number | undefined,
  url: string | undefined,
  statusCode: number | undefined,
  statusText: string | undefined,
  upgrade: boolean,
  keepAlive: boolean,
) => number;

/** The callbacks of one parser; `headers` is called when a head has more fields than one call carries. */
export interface ParserCallbacks<Owner> {
  headers: (this: HttpParser<Owner>, headers: string[], url: string) => void;
  headersComplete: HeadersCompleteCallback<Owner>;
  /** A body chunk (a copy: it may be kept). */
  body: (this: HttpParser<Owner>, chunk: Buffer) => void;
  messageComplete: (this: HttpParser<Owner>) => void;
}

/**
 * A parser for messages of `type` (`HTTPParser.REQUEST` or `RESPONSE`), strict (no lenient flags), with at
 * most `maxHeaderSize` bytes of start line and headers (0: Node's default), calling `callbacks` with `this`
 * the parser, whose `owner` is `owner`.
 */
export function newParser<Owner>(
  type: number,
  maxHeaderSize: number,
  owner: Owner,
  callbacks: ParserCallbacks<Owner>,
): HttpParser<Owner> {
  const parser = new HTTPParser() as HttpParser<Owner>;
  parser.initialize(type, {}, maxHeaderSize, 0);
  parser.owner = owner;
  parser[HTTPParser.kOnHeaders] = callbacks.headers;
  parser[HTTPParser.kOnHeadersComplete] = callbacks.headersComplete;
  parser[HTTPParser.kOnBody] = callbacks.body;
  parser[HTTPParser.kOnMessageComplete] = callbacks.messageComplete;
  return parser;
}
