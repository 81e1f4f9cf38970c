/** Loopback TCP peers for the network tools' ground-truth tests: listeners that note who connected, and clients. */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface TcpListener {
  port: number;
  /** The peer (client) port of every connection accepted so far, in accept order. */
  peerPorts: number[];
  close(): Promise<void>;
}

/** Listens on `host` at an ephemeral port, accepting every connection, noting its peer's port and closing it. */
export async function listenTcp(host: string): Promise<TcpListener> {
  const peerPorts: number[] = [];
  const server = createServer((socket) => {
    peerPorts.push(socket.remotePort!);
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    peerPorts,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listened on a moment ago, for a fixture that listens itself. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const listener = await listenTcp(host);
  await listener.close();
  return listener.port;
}

export interface TcpClient {
  socket: Socket;
  /** Read once connected: node forgets it when the peer closes the connection. */
  localPort: number;
}

/**
 * Opens `count` connections to host:port one after another, retrying while nothing listens there yet (a
 * fixture still starting); resolves with the connected clients, left open for the caller to destroy.
 */
export async function connectTcp(host: string, port: number, count: number, { timeoutMs = 10_000 } = {}): Promise<TcpClient[]> {
  const deadline = Date.now() + timeoutMs;
  const clients: TcpClient[] = [];
  while (clients.length < count) {
    try {
      const socket = await connectOnce(host, port);
      clients.push({ socket, localPort: socket.localPort! });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ECONNREFUSED' || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  return clients;
}

function connectOnce(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.once('error', reject).once('connect', () => {
      socket.off('error', reject);
      // The peer closing or resetting its end later is no error of the connect.
      socket.on('error', () => {});
      resolve(socket);
    });
  });
}
