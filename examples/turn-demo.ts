/**
 * The STUN/TURN demo: a STUN Binding and a TURN relay round trip on 127.0.0.1, printing what
 * happens on the wire. Everything runs in this process with real sockets: our STUN server,
 * our TURN server (so no coturn is needed), a TURN client, and a plain UDP "peer".
 *
 *   npx -y pnpm@10 install && npx -y pnpm@10 demo:turn
 */
import { createSocket } from 'node:dgram';
import {
  connectTurn,
  StunErrorResponse,
  startStunServer,
  startTurnServer,
  stunBinding,
  type TransportAddress,
} from '@purertc/stun';

const started = performance.now();
const text = new TextEncoder();
const said = new TextDecoder();
const at = (a: TransportAddress) =>
  a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
const log = (line: string) => console.log(line);

// A hard stop, so a broken network stack cannot leave the demo hanging.
const watchdog = setTimeout(() => {
  console.error('turn demo: timed out after 20 s');
  process.exit(2);
}, 20_000);

log('purertc STUN/TURN demo on 127.0.0.1\n');

// --- 1. STUN Binding (RFC 8489) -------------------------------------------------------------
log('1. STUN Binding: what is my address?');
const stun = await startStunServer({ address: '127.0.0.1', software: 'purertc demo' });
log(`   STUN server listening on ${at(stun.address)}`);
const binding = await stunBinding(stun.address);
log(
  `   Binding request -> success response in ${binding.rtt?.toFixed(2)} ms: ` +
    `the server sees us at ${at(binding.mapped)} (XOR-MAPPED-ADDRESS)`,
);
await stun.close();

// --- 2. TURN relay (RFC 8656) ---------------------------------------------------------------
log('\n2. TURN: relay through an allocation');
const turnServer = await startTurnServer({
  address: '127.0.0.1',
  realm: 'purertc.demo',
  users: { demo: 'demo-password' },
  software: 'purertc demo TURN',
});
log(`   TURN server listening on ${at(turnServer.address)} (realm purertc.demo, user demo)`);

// A plain UDP socket plays the remote peer: it echoes what it receives, in upper case.
const peer = createSocket('udp4');
await new Promise<void>((resolve) => peer.bind(0, '127.0.0.1', resolve));
const peerAddress: TransportAddress = { family: 'IPv4', address: '127.0.0.1', port: peer.address().port };
peer.on('message', (data, rinfo) => {
  log(`   peer ${at(peerAddress)} got "${said.decode(data)}" from ${rinfo.address}:${rinfo.port}, answers`);
  peer.send(text.encode(said.decode(data).toUpperCase()), rinfo.port, rinfo.address);
});
log(`   peer (plain UDP socket) at ${at(peerAddress)}`);

// A wrong password first, to show the typed error.
const intruder = await connectTurn({
  server: { host: '127.0.0.1', port: turnServer.address.port },
  username: 'demo',
  password: 'wrong',
});
try {
  await intruder.allocate();
} catch (e) {
  const code = e instanceof StunErrorResponse ? e.code : '?';
  log(`   Allocate with a wrong password -> rejected: ${(e as Error).name} ${code}`);
}
await intruder.close().catch(() => {});

const turn = await connectTurn({
  server: { host: '127.0.0.1', port: turnServer.address.port },
  username: 'demo',
  password: 'demo-password',
});
const allocation = await turn.allocate();
log(
  `   Allocate -> 401 with realm and nonce -> signed Allocate -> relayed address ${at(allocation.relayed)} ` +
    `(lifetime ${allocation.lifetime} s)`,
);

const received = (via: 'channel' | 'indication') =>
  new Promise<string>((resolve) => {
    const off = turn.on('data', (from, data, how) => {
      if (how !== via) return;
      off();
      resolve(
        `"${said.decode(data)}" from ${at(from)} via ${how === 'channel' ? 'ChannelData' : 'a Data indication'}`,
      );
    });
  });

await turn.createPermission(peerAddress);
log(`   CreatePermission for ${peerAddress.address}`);
const viaIndication = received('indication');
await turn.send(peerAddress, text.encode('hello through a send indication'));
log(`   client: ${await viaIndication}`);

const channel = await turn.bindChannel(peerAddress);
log(`   ChannelBind 0x${channel.toString(16)} to ${at(peerAddress)}`);
const viaChannel = received('channel');
await turn.send(peerAddress, text.encode('hello through a channel'));
log(`   client: ${await viaChannel}`);

await turn.close();
log('   Refresh with LIFETIME 0 -> allocation released');
peer.close();
await turnServer.close();

clearTimeout(watchdog);
log(`\ndone in ${(performance.now() - started).toFixed(0)} ms`);
