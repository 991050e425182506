/**
 * A Node peer in a process of its own, so that it can vanish: the parent SIGKILLs it and the
 * peer stops answering without a DTLS close_notify, an SCTP ABORT or anything else.
 *
 * Run by hosts.ts as `node --conditions=@purertc/source --import tsx child-peer.ts <kind> <name>
 * <options JSON>` with an IPC channel: it serves the agent's commands as `{ id, command, args }`
 * → `{ id, result }` or `{ id, error }`, and exits when the parent disconnects.
 */
import type { PeerAgent, PeerCommands } from './agent.js';
import { createNodeAgent, isNodePeerKind, type PeerOptions } from './node-peers.js';

interface Request {
  id: number;
  command: keyof PeerCommands;
  args: unknown[];
}

const [kind = '', name = 'child', optionsJson = '{}'] = process.argv.slice(2);
if (!isNodePeerKind(kind) || process.send === undefined) {
  console.error(`child-peer: unknown peer kind '${kind}' or no IPC channel`);
  process.exit(2);
}
const send = process.send.bind(process);
process.on('disconnect', () => process.exit(0));

let agent: PeerAgent;
try {
  agent = await createNodeAgent(kind, name, JSON.parse(optionsJson) as PeerOptions);
} catch (e) {
  send({ ready: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  process.exit(1);
}

process.on('message', (message: Request) => {
  const method = agent[message.command] as (...args: unknown[]) => Promise<unknown>;
  Promise.resolve()
    .then(() => method.apply(agent, message.args))
    .then(
      (result) => send({ id: message.id, result }),
      (e: unknown) => send({ id: message.id, error: e instanceof Error ? e.message : String(e) }),
    );
});
send({ ready: true });
