/**
 * Chat with purertc from a browser: serves one page on http://127.0.0.1:PORT/ and answers the
 * page's WebRTC offer with our RTCPeerConnection (chat-server.ts has the protocol).
 *
 *   pnpm example:browser                       # a free port; open the printed URL
 *   pnpm example:browser --port 8080
 *   pnpm example:browser --loopback            # host candidates on 127.0.0.1 only
 *
 * Without --loopback our peer offers this machine's non-loopback addresses, which is what an
 * ordinary browser on the same machine pairs with (it does not use loopback for WebRTC). With
 * --loopback, Chromium needs --allow-loopback-in-peer-connection.
 */
import { startChatServer } from './chat-server.js';

function usage(problem?: string): never {
  if (problem !== undefined) console.error(`browser-chat: ${problem}`);
  console.error('usage: server.ts [--port N] [--loopback] [--quiet]');
  process.exit(problem === undefined ? 0 : 2);
}

let port = 0;
let loopback = false;
let quiet = false;
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const arg = args[i] as string;
  if (arg === '--help' || arg === '-h') usage();
  else if (arg === '--loopback') loopback = true;
  else if (arg === '--quiet') quiet = true;
  else if (arg === '--port' || arg.startsWith('--port=')) {
    const value = arg === '--port' ? args[++i] : arg.slice('--port='.length);
    const n = Number(value);
    if (value === undefined || !Number.isInteger(n) || n < 0 || n > 65535) usage(`bad port ${value ?? ''}`);
    port = n;
  } else usage(`unknown argument ${JSON.stringify(arg)}`);
}

const server = await startChatServer({
  port,
  ...(loopback ? { hostAddresses: { addresses: ['127.0.0.1'] } } : {}),
  log: quiet ? () => {} : (line) => console.log(`  ${line}`),
});
console.log(`purertc browser chat: open ${server.url} in a browser on this machine (Ctrl-C stops)`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
