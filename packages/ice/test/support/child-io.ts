/**
 * The child's side of json-child.ts: one JSON object per line on stdin and stdout. A child script
 * (run inside a namespace by `NatTopology.spawnTs`) imports this and nothing else of the harness:
 *
 * ```ts
 * import { emit, onMessage, serve } from './child-io.js';
 * onMessage((m) => { if (m['type'] === 'remote-candidate') agent.addRemoteCandidate(m['candidate']) });
 * emit({ type: 'local-candidate', candidate });
 * // or request/reply, answered to JsonChild.call():
 * serve({ 'stun-binding': async (params) => ({ mapped }) });
 * ```
 *
 * The child exits when its stdin ends: the parent closed it, or died. Use stderr (console.error)
 * for diagnostics; stray stdout lines that are not JSON are tolerated but kept apart.
 */
import { createInterface } from 'node:readline';

export type JsonMessage = Record<string, unknown>;
type Handler = (message: JsonMessage) => void | Promise<void>;
type Command = (params: JsonMessage) => unknown;

const handlers: Handler[] = [];
let reading = false;

/** Writes one message to the parent. */
export function emit(message: JsonMessage): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

/** Calls `handler` for every message from the parent (starts reading stdin on first use). */
export function onMessage(handler: Handler): void {
  handlers.push(handler);
  if (reading) return;
  reading = true;
  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  lines.on('line', (line) => {
    if (line.trim() === '') return;
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      console.error(`child-io: not JSON: ${line.slice(0, 200)}`);
      return;
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message)) return;
    for (const h of handlers) {
      Promise.resolve()
        .then(() => h(message as JsonMessage))
        .catch((err: unknown) => console.error('child-io: handler failed:', err));
    }
  });
  // The parent closed our stdin or is gone: nothing more will come, so leave.
  lines.on('close', () => process.exit(0));
}

/**
 * Answers `{ cmd, id, ...params }` with `{ id, result }` or `{ id, error }` (JsonChild.call).
 * Unknown commands are answered with an error.
 */
export function serve(commands: Record<string, Command>): void {
  onMessage(async (m) => {
    const cmd = m['cmd'];
    const id = m['id'];
    if (typeof cmd !== 'string' || typeof id !== 'number') return;
    const run = commands[cmd];
    if (run === undefined) {
      emit({ id, error: `unknown command ${cmd}` });
      return;
    }
    try {
      const result = await run(m);
      emit({ id, result: result ?? null });
    } catch (err) {
      emit({ id, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
    }
  });
}
