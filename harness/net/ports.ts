import { createServer } from 'node:net';
import { EnvironmentError } from '../errors.ts';

/** Asks the OS for a free TCP port on `host`. Another process may take it before use; callers retry. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new EnvironmentError(`could not get a free port on ${host}`);
  return address.port;
}

/** Fails with a clear message when `host:port` is already taken (`what` names the setting, e.g. --http-port). */
export async function assertPortFree(host: string, port: number, what: string): Promise<void> {
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, resolve);
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'EADDRINUSE' ? 'is already in use' : `cannot be bound (${code ?? String(error)})`;
    throw new EnvironmentError(`${host}:${port} (${what}) ${reason}`);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}
