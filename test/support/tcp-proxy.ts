import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  /** The local port clients connect to. */
  port: number;
  /** Kills every connection and refuses new ones (ECONNREFUSED), as a server that went down. */
  down(): Promise<void>;
  /** Accepts connections again, on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A TCP proxy on 127.0.0.1 to `host:port`, for taking a server "down" for one client without touching the
 * server itself (others share it): tests point a database URL at the proxy and call down() and up().
 */
export async function startTcpProxy(host: string, port: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let localPort = 0;
  const listen = async () => {
    server = createServer((client) => {
      const upstream = connect({ host, port });
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => server!.once('error', reject).listen(localPort, '127.0.0.1', resolve));
    localPort = (server.address() as AddressInfo).port;
  };
  const down = async () => {
    const closed = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
    server = undefined;
  };
  await listen();
  return { port: localPort, down, up: listen, close: down };
}
