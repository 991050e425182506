/**
 * A NodeIceAgent in a child process, driven over child-io.ts: the NAT tests run one in each
 * private namespace and relay signaling between them. Arguments: a JSON object with the agent's
 * options (role, iceServers, transportPolicy).
 *
 * Emits: {type:'credentials', ufrag, pwd}, {type:'candidate', candidate: line | null},
 * {type:'state', state}, {type:'selected', local, remote}, {type:'data', text}.
 * Takes: {type:'remote-credentials', ufrag, pwd}, {type:'remote-candidate', candidate: line | null},
 * {type:'send', text}.
 */
import { NodeIceAgent, type NodeIceAgentOptions, serializeCandidate } from '../../src/index.js';
import { emit, onMessage } from './child-io.js';

const options = JSON.parse(process.argv[2] ?? '{}') as NodeIceAgentOptions;
const agent = new NodeIceAgent(options);
agent.on('candidate', (c) =>
  emit({ type: 'candidate', candidate: c === null ? null : serializeCandidate(c) }),
);
agent.on('state', (state) => emit({ type: 'state', state }));
agent.on('selected-pair', (pair) =>
  emit({ type: 'selected', local: serializeCandidate(pair.local), remote: serializeCandidate(pair.remote) }),
);
agent.on('data', (data) => emit({ type: 'data', text: new TextDecoder().decode(data.subarray(1)) }));
agent.on('candidate-error', (e) => console.error('candidate error', JSON.stringify(e)));

onMessage(async (m) => {
  if (m['type'] === 'remote-credentials') {
    agent.setRemoteCredentials({ ufrag: String(m['ufrag']), pwd: String(m['pwd']) });
  } else if (m['type'] === 'remote-candidate') {
    if (m['candidate'] === null) agent.endOfRemoteCandidates();
    else await agent.addRemoteCandidate(String(m['candidate']));
  } else if (m['type'] === 'send') {
    // 0x17 first: a DTLS application-data byte, so RFC 7983 demultiplexing passes it up.
    agent.send(new TextEncoder().encode(`\x17${String(m['text'])}`));
  }
});

await agent.gather();
emit({ type: 'credentials', ...agent.localCredentials });
process.stdin.on('end', () => void agent.close().then(() => process.exit(0)));
