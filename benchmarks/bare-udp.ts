/**
 * Bare node:dgram sockets on 127.0.0.1 for the ceilings of the ice and peerconnection suites:
 * default kernel buffers, nothing of ours in between.
 */
import { createSocket, type Socket } from 'node:dgram';

export async function bindBare(): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => {
      s.off('error', reject);
      resolve();
    });
  });
  return s;
}

export function closeBare(s: Socket): Promise<void> {
  return new Promise((resolve) => s.close(() => resolve()));
}
