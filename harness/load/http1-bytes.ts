// Byte-level pieces of reading HTTP/1.1 (harness/load/http1-response-reader.ts):
// numbers and case-insensitive matches read in place, without strings.

/** A chunk larger than this (1 TiB) is unreadable framing, not a body. */
const maxChunkBytes = 2 ** 40;

/** The hex size of a chunk-size line (extensions after `;` ignored), or -1 when unreadable. */
export function chunkSize(data: Buffer, from: number, end: number): number {
  let size = 0;
  let digits = 0;
  for (let i = from; i < end; i++) {
    const byte = data[i]!;
    const digit = byte >= 48 && byte <= 57 ? byte - 48 : (byte | 32) >= 97 && (byte | 32) <= 102 ? (byte | 32) - 87 : -1;
    if (digit < 0) {
      if (byte === 59 || byte === 32 || byte === 9) break; // ';' extension, or whitespace before it
      return -1;
    }
    size = size * 16 + digit;
    digits++;
  }
  return digits === 0 || size > maxChunkBytes ? -1 : size;
}

/** The decimal in `data[from, to)` (trailing whitespace ignored), or -1 when it is empty or not all digits. */
export function decimal(data: Buffer, from: number, to: number): number {
  while (to > from && isSpace(data[to - 1]!)) to--;
  if (to <= from || to - from > 15) return -1;
  let value = 0;
  for (let i = from; i < to; i++) {
    const digit = data[i]! - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

const isSpace = (byte: number) => byte === 32 || byte === 9;

/** Where a header value starts, after the optional whitespace that follows the colon. */
export function valueStart(data: Buffer, from: number, to: number): number {
  while (from < to && isSpace(data[from]!)) from++;
  return from;
}

/** An ASCII letter in lower case; any other byte as it is. */
export const lower = (byte: number) => (byte >= 65 && byte <= 90 ? byte | 32 : byte);

/** Whether `data` at `from` starts with `text` (lower case), ignoring case. */
export function sameBytes(data: Buffer, from: number, text: Buffer): boolean {
  for (let i = 0; i < text.length; i++) if (lower(data[from + i]!) !== text[i]) return false;
  return true;
}

/** Whether `data[from, to)` contains `word` (lower case), ignoring case. */
export function contains(data: Buffer, from: number, to: number, word: Buffer): boolean {
  for (let i = from; i + word.length <= to; i++) if (sameBytes(data, i, word)) return true;
  return false;
}
