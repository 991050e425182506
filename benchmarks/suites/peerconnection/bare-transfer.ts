/**
 * The two ends of the throughput ceiling's bare transfer, on node:dgram sockets already bound
 * (bare-udp.ts), usable apart: scenarios.ts's `bareTransfer` runs both in one process,
 * remote-transfer.ts the sender in this process and remote-child.ts the receiver in another.
 * No window beyond `BARE_WINDOW`, no crypto, no SCTP.
 */
import type { Socket } from 'node:dgram';
import { LOOPBACK } from './peers.js';
import { message, STALL_MS } from './transfer.js';

/** Datagrams in flight at most, as in docs/real-peers.md's node:dgram measurement. */
export const BARE_WINDOW = 64;
/** The receiver acknowledges every this many datagrams (a 4-byte count). */
const BARE_ACK_EVERY = 16;

/**
 * Receives `count` datagrams of `size` bytes on `socket` (counted, their bytes summed),
 * acknowledging every `BARE_ACK_EVERY` to their sender; resolves at the last one. No loss is
 * expected on loopback with so small a window: a lost datagram stalls the window, and the
 * transfer fails after `4 × STALL_MS`.
 */
export function receiveBare(socket: Socket, count: number, size: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let received = 0;
    let bytes = 0;
    const timer = setTimeout(() => reject(new Error(`bare: stalled, ${received} received`)), STALL_MS * 4);
    socket.on('message', (data, from) => {
      received++;
      bytes += data.length;
      if (received === count) {
        clearTimeout(timer);
        if (bytes === count * size) resolve();
        else reject(new Error(`bare: ${bytes} bytes, not ${count * size}`));
      } else if (received % BARE_ACK_EVERY === 0) {
        const ack = Buffer.allocUnsafe(4); // a fresh one: dgram may send after we return
        ack.writeUInt32BE(received, 0);
        socket.send(ack, from.port, LOOPBACK);
      }
    });
  });
}

/**
 * Sends `count` datagrams of `size` bytes from `socket` to `port` on 127.0.0.1, at most
 * `BARE_WINDOW` unacknowledged (acknowledgements arrive on `socket`); the first ones before it
 * returns. The sending ends with the last acknowledgement, or when `socket` closes.
 */
export function sendBare(socket: Socket, port: number, count: number, size: number): void {
  const payload = message(size, 0);
  let sent = 0;
  let acked = 0;
  const fill = () => {
    while (sent < count && sent - acked < BARE_WINDOW) {
      socket.send(payload, port, LOOPBACK);
      sent++;
    }
  };
  socket.on('message', (data) => {
    acked = Math.max(acked, data.readUInt32BE(0));
    fill();
  });
  fill();
}
