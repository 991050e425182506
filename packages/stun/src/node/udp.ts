/** node:dgram helpers shared by the adapters of this package. */
import { createSocket, type Socket } from 'node:dgram';
import type { AddressFamily, TransportAddress } from '../address.js';

/**
 * Socket buffers we ask for. Media and data bursts (an SCTP window of 1200-byte packets) overflow
 * the kernel's default ~208 KiB receive buffer when the reader is a busy event loop, and every
 * datagram lost there costs a retransmission and a smaller congestion window. The kernel caps the
 * request at net.core.rmem_max / wmem_max; a refusal is harmless.
 */
const SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

/** Binds a UDP socket and resolves once it is listening. */
export function bindUdp(family: AddressFamily, address?: string, port = 0): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type: family === 'IPv6' ? 'udp6' : 'udp4', ipv6Only: family === 'IPv6' });
    const onError = (err: Error) => {
      socket.close();
      reject(err);
    };
    socket.once('error', onError);
    socket.bind({ port, address, exclusive: true }, () => {
      socket.off('error', onError);
      try {
        // Deno's node:dgram only records the size and then allocates that much for every
        // datagram it receives (2.9: 40x slower at 4 MiB); it has nothing to gain from it.
        if (!('Deno' in globalThis)) {
          socket.setRecvBufferSize(SOCKET_BUFFER_BYTES);
          socket.setSendBufferSize(SOCKET_BUFFER_BYTES);
        }
      } catch {
        // not supported by this runtime or refused by the kernel: keep the defaults
      }
      resolve(socket);
    });
  });
}

/** The socket's local address in our TransportAddress shape. */
export function localAddress(socket: Socket): TransportAddress {
  const a = socket.address();
  return { family: a.family === 'IPv6' ? 'IPv6' : 'IPv4', address: a.address, port: a.port };
}

/** Normalizes node's rinfo (whose `family` may be a number on some runtimes) to TransportAddress. */
export function fromRinfo(rinfo: {
  address: string;
  port: number;
  family: string | number;
}): TransportAddress {
  const v6 = rinfo.family === 'IPv6' || rinfo.family === 6;
  return { family: v6 ? 'IPv6' : 'IPv4', address: rinfo.address, port: rinfo.port };
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
