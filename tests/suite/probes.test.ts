import { createServer as createHttp2Server, type Http2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayAddress } from '../../harness/clients/http-client.ts';
import { type StartedEchoFixture, startEchoFixture } from '../../harness/fixture/echo-fixture.ts';
import { probeKeepAlive, probeResponseStreaming } from '../../harness/suite/http1-probes.ts';
import { probeH2c, probeHttp, probeRawHttp } from '../../harness/suite/probes.ts';
import { defaultTimeouts } from '../../harness/timeouts.ts';

// The probes against a healthy echo backend directly (no gateway): what each one observes when nothing is wrong.
let fixture: StartedEchoFixture;
let gateway: GatewayAddress;
let h2c: Http2Server;

beforeAll(async () => {
  fixture = await startEchoFixture({ tenant: 'alice', namespace: 'ns-alice', app: 'web' });
  gateway = { address: '127.0.0.1', httpPort: fixture.httpPort, httpsPort: 0, requestMs: defaultTimeouts.requestMs };
  h2c = createHttp2Server((request, response) => response.writeHead(200, { 'x-echo-backend': `ns-alice/h2/${request.headers[':authority']}` }).end());
  await new Promise<void>((resolve) => h2c.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await fixture.stop();
  await new Promise<void>((resolve) => h2c.close(() => resolve()));
});

describe('probes on a healthy backend', () => {
  it('probeHttp reports status, backend and the echoed request', async () => {
    const observation = await probeHttp(gateway, { scheme: 'http', host: 'a.test', path: '/x', method: 'PUT', body: 'abc' });
    expect(observation).toMatchObject({ status: 200, backend: 'ns-alice/web', error: null, echo: { method: 'PUT', path: '/x', bodyBytes: 3 } });
  });

  it('probeHttp turns a refused connection into an observation', async () => {
    expect(await probeHttp({ ...gateway, httpPort: 1 }, { scheme: 'http', host: 'a.test' })).toEqual({ error: 'ECONNREFUSED', backend: null, details: { message: 'connect ECONNREFUSED 127.0.0.1:1' } });
  });

  it('probeRawHttp sends bytes as given and reads the status line', async () => {
    const observation = await probeRawHttp(gateway, { scheme: 'http', request: 'GET /?status=418 HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n' });
    expect(observation).toMatchObject({ status: 418, backend: 'ns-alice/web', error: null });
  });

  it('probeKeepAlive counts one connection for sequential requests', async () => {
    expect(await probeKeepAlive(gateway, 'http', 'a.test', 3)).toEqual({ error: null, details: { answered: 3, connections: 1 } });
  });

  it('probeResponseStreaming sees lines arrive as they are written', async () => {
    expect(await probeResponseStreaming(gateway, 'http', 'a.test', 4, 200)).toEqual({ status: 200, error: null, details: { lines: 4, streamed: true } });
  });

  it('probeH2c speaks HTTP/2 with prior knowledge and sends the host as :authority', async () => {
    const port = (h2c.address() as AddressInfo).port;
    expect(await probeH2c('127.0.0.1', port, 'a.test', defaultTimeouts.requestMs)).toEqual({ status: 200, backend: 'ns-alice/h2', error: null });
  });
});
