import { describe, expect, it } from 'vitest';
import { Http1ResponseReader, readBroken, readMore } from '../../harness/load/http1-response-reader.ts';

// The byte-level response reader alone: every split of a response over reads,
// responses back to back in one read, and framing it must refuse.
const backend = 'x-echo-backend: ns-a/web/i1\r\n';

/** Feeds `parts` in order, as separate reads each in its own (reused-looking) buffer; the offsets feed returned. */
function feedAll(reader: Http1ResponseReader, parts: string[]): number[] {
  return parts.map((part) => {
    // Stale bytes after the read's end, as in a reused read buffer: they must never count.
    const data = Buffer.from(`${part}\r\n\r\nHTTP/1.1 500 stale\r\n\r\n`, 'latin1');
    return reader.feed(data, 0, part.length);
  });
}

/** Every way to cut `text` in two reads, with what feed returned for each. */
function everySplit(text: string, expectBackend = 'ns-a/web') {
  return Array.from({ length: text.length - 1 }, (_, i) => {
    const reader = new Http1ResponseReader(expectBackend);
    return { at: i + 1, reader, ends: feedAll(reader, [text.slice(0, i + 1), text.slice(i + 1)]) };
  });
}

describe('Http1ResponseReader', () => {
  it.each([
    { name: 'sized body', text: `HTTP/1.1 200 OK\r\n${backend}Content-Length: 10\r\n\r\n0123456789`, status: 200 },
    { name: 'chunked body with extension and trailer', text: `HTTP/1.1 200 OK\r\n${backend}Transfer-Encoding: chunked\r\n\r\n3;x=1\r\nabc\r\nA\r\n0123456789\r\n0\r\nx-t: 1\r\n\r\n`, status: 200 },
    { name: 'no body (204)', text: `HTTP/1.1 204 No Content\r\n${backend}\r\n`, status: 204 },
    { name: 'empty sized body, header names in any case', text: `HTTP/1.1 503 Busy\r\nX-ECHO-BACKEND:ns-a/web/i2 \r\ncontent-LENGTH:  0 \r\n\r\n`, status: 503 },
  ])('$name: complete at its last byte however it is split', ({ text, status }) => {
    for (const { at, reader, ends } of everySplit(text)) {
      expect(ends, `split at ${at}`).toEqual([readMore, text.length - at]);
      expect(reader.status).toBe(status);
      expect(reader.backendMatches).toBe(true);
      expect(reader.closeAfter).toBe(false);
    }
  });

  it('reads responses back to back in one read, each ending where the next starts', () => {
    const first = `HTTP/1.1 200 OK\r\n${backend}Content-Length: 2\r\n\r\nok`;
    const second = `HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n`;
    const data = Buffer.from(first + second + 'HTTP/1.1 2', 'latin1');
    const reader = new Http1ResponseReader('ns-a/web');
    expect(reader.feed(data, 0, data.length)).toBe(first.length);
    expect([reader.status, reader.backendMatches, reader.closeAfter]).toEqual([200, true, false]);
    reader.reset();
    expect(reader.feed(data, first.length, data.length)).toBe(first.length + second.length);
    expect([reader.status, reader.backendMatches, reader.closeAfter]).toEqual([404, false, true]);
    reader.reset();
    expect(reader.feed(data, first.length + second.length, data.length)).toBe(readMore);
  });

  it('tells the expected backend from another, a missing header and a shared prefix', () => {
    const answer = (header: string) => `HTTP/1.1 200 OK\r\n${header}Content-Length: 0\r\n\r\n`;
    const matches = (text: string, wanted: string | undefined) => {
      const reader = new Http1ResponseReader(wanted);
      reader.feed(Buffer.from(text, 'latin1'), 0, text.length);
      return reader.backendMatches;
    };
    expect(matches(answer(backend), undefined)).toBe(true);
    expect(matches(answer(''), undefined)).toBe(true);
    expect(matches(answer(backend), 'ns-a/web')).toBe(true);
    expect(matches(answer('X-Echo-Backend:NS-A/Web/i1\r\n'), 'ns-a/web')).toBe(true);
    expect(matches(answer('x-echo-backend: ns-a/web2/i1\r\n'), 'ns-a/web')).toBe(false);
    expect(matches(answer('x-echo-backend: ns-b/web/i1\r\n'), 'ns-a/web')).toBe(false);
    expect(matches(answer('x-echo-backend: ns-a/web\r\n'), 'ns-a/web')).toBe(false);
    expect(matches(answer('x-other: ns-a/web/i1\r\n'), 'ns-a/web')).toBe(false);
    // Of a repeated header the first counts, as a client reading the first value would.
    expect(matches(answer(`x-echo-backend: ns-b/web/i1\r\n${backend}`), 'ns-a/web')).toBe(false);
  });

  it('a body without length or chunks runs until the connection closes', () => {
    const reader = new Http1ResponseReader(undefined);
    expect(feedAll(reader, ['HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nsome', ' more'])).toEqual([readMore, readMore]);
    expect([reader.untilClose, reader.closeAfter]).toEqual([true, true]);
  });

  it.each([
    { name: 'a status line that is not HTTP/1.x', text: 'HTTP/2 200\r\nContent-Length: 0\r\n\r\n', end: 'complete', status: 0 },
    { name: 'a status code that is not three digits', text: 'HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n', end: 'complete', status: 0 },
    { name: 'a Content-Length that is not a number', text: 'HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n', end: 'broken' },
    { name: 'an empty Content-Length', text: 'HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n', end: 'broken' },
    { name: 'a chunk size that is not hex', text: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', end: 'broken' },
    { name: 'a chunk size line with a bare CR', text: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\rabc\r\n', end: 'broken' },
  ])('$name: $end', ({ text, end, status }) => {
    const reader = new Http1ResponseReader('ns-a/web');
    const result = reader.feed(Buffer.from(text, 'latin1'), 0, text.length);
    if (end === 'broken') expect(result).toBe(readBroken);
    else {
      expect(result).toBe(text.length);
      expect(reader.status).toBe(status);
    }
  });

  it('refuses a head that never ends instead of buffering it without bound', () => {
    const reader = new Http1ResponseReader(undefined);
    const line = Buffer.from(`x-filler: ${'f'.repeat(1000)}\r\n`, 'latin1');
    let result = reader.feed(Buffer.from('HTTP/1.1 200 OK\r\n', 'latin1'), 0, 17);
    for (let i = 0; i < 100 && result === readMore; i++) result = reader.feed(line, 0, line.length);
    expect(result).toBe(readBroken);
  });
});
