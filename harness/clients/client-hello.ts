import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';

/**
 * Which cipher suites a TLS server accepts, tested the way sslyze and testssl do:
 * a hand-built TLS 1.2 ClientHello offering only the given suite ids, answered by
 * a ServerHello (accepted) or an alert (refused). Needed because Node's OpenSSL
 * can no longer offer NULL, RC4, 3DES or EXPORT suites at all: a normal client
 * would "prove" they are refused without ever asking.
 */

/** IANA ids of the weak families a gateway must refuse. */
export const weakCipherSuites = {
  NULL: [0x0002, 0x003b, 0xc006, 0xc010],
  RC4: [0x0004, 0x0005, 0xc007, 0xc011],
  '3DES': [0x000a, 0xc008, 0xc012],
  EXPORT: [0x0003, 0x0006, 0x0008, 0x0014],
} as const;

/** TLS_ECDHE_ECDSA/RSA_WITH_AES_128_GCM_SHA256: what every gateway accepts (the probe's control). */
export const strongCipherSuites = [0xc02b, 0xc02f] as const;

export type ClientHelloAnswer = { accepted: true; cipherSuite: number } | { accepted: false; alert: number | null; error: string | null };

/** Offers `suites` in a raw ClientHello and reads the answer (a ServerHello's suite or an alert) within `timeoutMs`. */
export function offerCipherSuites(host: string, port: number, servername: string, suites: readonly number[], timeoutMs: number): Promise<ClientHelloAnswer> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let received = Buffer.alloc(0);
    const done = (answer: ClientHelloAnswer) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done({ accepted: false, alert: null, error: 'ETIMEDOUT' }), timeoutMs);
    socket.once('connect', () => socket.write(clientHello(servername, suites)));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 7) return;
      if (received[0] === 0x15) done({ accepted: false, alert: received[6]!, error: null });
      else if (received[0] === 0x16 && received[5] === 0x02 && received.length >= 44 + received[43]! + 2) {
        done({ accepted: true, cipherSuite: received.readUInt16BE(44 + received[43]!) });
      } else if (received[0] !== 0x16) done({ accepted: false, alert: null, error: 'not a TLS answer' });
    });
    socket.once('error', (error: NodeJS.ErrnoException) => done({ accepted: false, alert: null, error: error.code ?? error.message }));
    socket.once('end', () => done({ accepted: false, alert: null, error: 'ECONNRESET' }));
  });
}

function withLength(bytes: Buffer, size: 1 | 2 | 3): Buffer {
  const length = Buffer.alloc(size);
  length.writeUIntBE(bytes.length, 0, size);
  return Buffer.concat([length, bytes]);
}

function extension(type: number, body: Buffer): Buffer {
  const header = Buffer.alloc(2);
  header.writeUInt16BE(type);
  return Buffer.concat([header, withLength(body, 2)]);
}

function uint16List(values: readonly number[]): Buffer {
  const list = Buffer.alloc(values.length * 2);
  values.forEach((value, index) => list.writeUInt16BE(value, index * 2));
  return list;
}

function clientHello(servername: string, suites: readonly number[]): Buffer {
  const name = Buffer.from(servername, 'ascii');
  const extensions = Buffer.concat([
    extension(0x0000, withLength(Buffer.concat([Buffer.from([0]), withLength(name, 2)]), 2)),
    extension(0x000a, withLength(uint16List([0x001d, 0x0017, 0x0018]), 2)),
    extension(0x000b, withLength(Buffer.from([0]), 1)),
    extension(0x000d, withLength(uint16List([0x0403, 0x0804, 0x0401, 0x0201, 0x0203]), 2)),
  ]);
  const body = Buffer.concat([
    Buffer.from([0x03, 0x03]),
    randomBytes(32),
    Buffer.from([0]),
    withLength(uint16List(suites), 2),
    Buffer.from([1, 0]),
    withLength(extensions, 2),
  ]);
  const handshake = Buffer.concat([Buffer.from([0x01]), withLength(body, 3)]);
  return Buffer.concat([Buffer.from([0x16, 0x03, 0x01]), withLength(handshake, 2)]);
}
