import { type Server, type Socket, createConnection, createServer } from 'node:net';

/**
 * A TCP hop between the local nginx and one backend that closes each connection
 * `cutMs` after it opened, whatever is still flowing: what a route timeout that
 * bounds the whole response (Envoy's, set from a VirtualService `timeout`) does to
 * a long stream. nginx has no directive for that (proxy_read_timeout and
 * grpc_read_timeout bound only the gap between two reads), so the broken-gateway
 * proof puts this hop in the upstream. Loopback only.
 */
export class RouteTimeoutHop {
  /** The backend port; set when the rendered nginx.conf names it. */
  backendPort = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly cutMs: number,
  ) {}

  /** Listens on a free loopback port. */
  static async start(cutMs: number): Promise<{ hop: RouteTimeoutHop; port: number }> {
    const server = createServer();
    const hop = new RouteTimeoutHop(server, cutMs);
    server.on('connection', (client) => hop.connect(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('route timeout hop: no port');
    return { hop, port: address.port };
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private connect(client: Socket): void {
    const backend = createConnection({ host: '127.0.0.1', port: this.backendPort });
    const cut = setTimeout(() => client.destroy(), this.cutMs);
    for (const socket of [client, backend]) {
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearTimeout(cut);
        this.sockets.delete(socket);
        client.destroy();
        backend.destroy();
      });
    }
    client.pipe(backend);
    backend.pipe(client);
  }
}
