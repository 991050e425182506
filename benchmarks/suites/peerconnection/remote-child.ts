/**
 * `node --conditions=@purertc/source --import tsx remote-child.ts KEY COUNT SIZE`, spawned by
 * remote-transfer.ts with an IPC channel (remote-messages.ts): the receiving end of a
 * two-process transfer, in a process of its own as it would be on another host.
 *
 * KEY is a peer's key (loaders.ts: this process loads that library alone): it creates a peer
 * connection, says 'ready', answers the parent's offer, trickles its loopback candidates, takes
 * the channel the parent creates, says 'open', checks each of the COUNT messages of SIZE bytes
 * as it arrives (transfer.ts's `MessageCheck`, as the same-process transfer does) and says
 * 'done' at the last one, or 'error'. KEY 'bare' (the ceiling): it binds a UDP socket, says
 * 'bound' with its port, receives COUNT datagrams of SIZE bytes (bare-transfer.ts) and says 'done'.
 *
 * Either way it then waits for 'close' (or for the parent to go away), closes what it opened
 * and exits.
 */
import { bindBare, closeBare } from '../../bare-udp.js';
import { receiveBare } from './bare-transfer.js';
import { loadPeer } from './loaders.js';
import type { DescriptionInit, MessageLike, PeerKind } from './peers.js';
import type { FromChild, ToChild } from './remote-messages.js';
import { CandidateInbox, forwardLoopbackCandidates, opened } from './signaling.js';
import { MessageCheck, STALL_MS, watchStall } from './transfer.js';

/** A close that hangs (a native library's teardown) does not keep the child alive past this. */
const EXIT_AFTER_MS = 2_000;

function tell(m: FromChild): void {
  process.send?.(m);
}

function errorOf(e: unknown): FromChild {
  return { kind: 'error', message: e instanceof Error ? e.message : String(e) };
}

/** The receiving end of one trial: what it does with the parent's messages, and its close. */
interface Receiver {
  handle(m: ToChild): void;
  close(): Promise<void>;
}

function receivePeer(peer: PeerKind, count: number, size: number): Receiver {
  const pc = peer.create();
  const remote = new CandidateInbox(pc, (e) => tell(errorOf(e)));
  forwardLoopbackCandidates(pc, (candidate) => tell({ kind: 'candidate', candidate }));
  pc.ondatachannel = ({ channel }) => {
    channel.binaryType = 'arraybuffer';
    const check = new MessageCheck(count, size, `${peer.name} (receiving child)`);
    let stopWatching: (() => void) | undefined;
    let finished = false;
    const finish = (outcome: FromChild) => {
      if (finished) return;
      finished = true;
      stopWatching?.();
      channel.removeEventListener('message', onMessage);
      tell(outcome);
    };
    const onMessage = (event: MessageLike) => {
      try {
        if (check.next(event.data)) finish({ kind: 'done' });
      } catch (e) {
        finish(errorOf(e));
      }
    };
    // Listening before 'open' reaches the parent, which starts sending on it.
    channel.addEventListener('message', onMessage);
    opened(channel).then(
      () => {
        if (finished) return;
        // The parent watches its sends; this watches the arrivals (a stall after the last send).
        stopWatching = watchStall(
          () => check.received,
          () => finish(errorOf(`stalled for ${STALL_MS} ms: ${check.received}/${count} received`)),
        );
        tell({ kind: 'open' });
      },
      (e: unknown) => finish(errorOf(e)),
    );
  };
  const answer = async (offer: DescriptionInit) => {
    await pc.setRemoteDescription(offer);
    remote.ready();
    const description = await pc.createAnswer();
    peer.beforeGather?.(pc);
    await pc.setLocalDescription(description);
    tell({ kind: 'answer', description: { type: description.type, sdp: description.sdp } });
  };
  tell({ kind: 'ready' });
  return {
    handle: (m) => {
      if (m.kind === 'offer') answer(m.description).catch((e: unknown) => tell(errorOf(e)));
      else if (m.kind === 'candidate') remote.add(m.candidate);
    },
    close: async () => {
      await pc.close();
    },
  };
}

async function receiveBareDatagrams(count: number, size: number): Promise<Receiver> {
  const socket = await bindBare();
  receiveBare(socket, count, size).then(
    () => tell({ kind: 'done' }),
    (e: unknown) => tell(errorOf(e)),
  );
  tell({ kind: 'bound', port: socket.address().port });
  return { handle: () => {}, close: () => closeBare(socket) };
}

async function main(): Promise<void> {
  const [key = '', countArg, sizeArg] = process.argv.slice(2);
  const count = Number(countArg);
  const size = Number(sizeArg);
  if (process.send === undefined)
    throw new Error('remote-child.ts needs an IPC channel (remote-transfer.ts)');
  if (!(Number.isInteger(count) && count > 0 && Number.isInteger(size) && size > 0))
    throw new Error(`usage: remote-child.ts KEY COUNT SIZE, not ${process.argv.slice(2).join(' ')}`);
  const loading = loadPeer(key);
  if (loading === undefined && key !== 'bare') throw new Error(`no peer ${key}`);

  let receiver: Receiver | undefined;
  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    setTimeout(() => process.exit(0), EXIT_AFTER_MS).unref();
    // Native libraries may keep threads alive after their last close: this process is done.
    Promise.resolve(receiver?.close())
      .catch(() => undefined)
      .finally(() => process.exit(0));
  };
  process.on('message', (m: ToChild) => {
    if (m.kind === 'close') shutdown();
    else receiver?.handle(m);
  });
  process.on('disconnect', shutdown); // the parent is gone
  const peer = await loading;
  if (closing) return;
  receiver = peer === undefined ? await receiveBareDatagrams(count, size) : receivePeer(peer, count, size);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
