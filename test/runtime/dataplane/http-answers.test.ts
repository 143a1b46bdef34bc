/**
 * The answers the listener makes itself (http-answers.ts): each parses as one whole HTTP/1.1 response with
 * Node's parser, its Content-Length the body's bytes, with a Date and the connection lines it was given.
 */
import { expect } from 'chai';
import { STATUS_CODES } from 'node:http';
import { ANSWERS, CLOSE_LINE, answerText } from '../../../runtime/dataplane/http-answers';
import { HTTPParser, newParser } from '../../../runtime/dataplane/node-internals/http-parser';

interface Parsed {
  status?: number;
  reason?: string;
  headers: string[];
  body: string;
  complete: boolean;
}

function parse(text: string): Parsed {
  const parsed: Parsed = { headers: [], body: '', complete: false };
  const parser = newParser(HTTPParser.RESPONSE, 0, parsed, {
    headers: (headers) => parsed.headers.push(...headers),
    headersComplete(_major, _minor, headers, _method, _url, statusCode, statusText) {
      parsed.status = statusCode;
      parsed.reason = statusText;
      parsed.headers.push(...(headers ?? []));
      return 0;
    },
    body: (chunk) => (parsed.body += chunk.toString('latin1')),
    messageComplete: () => (parsed.complete = true),
  });
  const bytes = Buffer.from(text, 'latin1');
  expect(parser.execute(bytes)).to.equal(bytes.length);
  parser.close();
  return parsed;
}

function header(parsed: Parsed, name: string): string | undefined {
  const index = parsed.headers.findIndex((field, at) => at % 2 === 0 && field.toLowerCase() === name);
  return index < 0 ? undefined : parsed.headers[index + 1];
}

const KEEP_ALIVE = 'connection: keep-alive\r\nkeep-alive: timeout=59\r\n';

describe('HTTP answers made by the listener', function () {
  for (const [name, answer] of Object.entries(ANSWERS)) {
    for (const [lines, connection] of [
      [CLOSE_LINE, 'close'],
      [KEEP_ALIVE, 'keep-alive'],
    ] as const) {
      it(`${name} (${answer.status}), ${connection}: one whole response with its length, Date and connection`, function () {
        const parsed = parse(answerText(answer, lines));
        expect(parsed.complete).to.equal(true);
        expect(parsed.status).to.equal(answer.status);
        expect(parsed.reason).to.equal(STATUS_CODES[answer.status]);
        expect(parsed.body).to.equal(answer.body);
        expect(header(parsed, 'content-length')).to.equal(String(Buffer.byteLength(answer.body)));
        expect(new Date(header(parsed, 'date')!).getTime()).to.be.closeTo(Date.now(), 2000);
        expect(header(parsed, 'connection')).to.equal(connection);
        expect(header(parsed, 'content-type')).to.equal(answer.body === '' ? undefined : 'text/plain; charset=utf-8');
      });
    }
  }
});
