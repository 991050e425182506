/** node:dgram helpers of the DTLS adapters. */
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';

/** Binds a UDP socket for `host`'s family and resolves once it listens. */
export function bindUdp(host: string, port = 0): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const v6 = isIPv6(host);
    const socket = createSocket({ type: v6 ? 'udp6' : 'udp4', ipv6Only: v6 });
    const onError = (err: Error): void => {
      socket.close();
      reject(err);
    };
    socket.once('error', onError);
    socket.bind({ port, address: host, exclusive: true }, () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

export function closeUdp(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // already closed
    }
  });
}
