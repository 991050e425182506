/**
 * The parent's side of a line-based JSON protocol with a child process: one JSON object per line
 * on the child's stdin and stdout (child-io.ts is the child's side). Messages the child sends
 * queue until a test takes them with `next(predicate)`; every wait has a timeout, and every
 * failure carries the tail of the child's stderr.
 *
 * ```ts
 * const child = new JsonChild(spawn(...), 'agent a');
 * child.send({ type: 'remote-candidate', candidate });
 * const msg = await child.next((m) => m['type'] === 'connected', 5_000);
 * const result = await child.call('stun-binding', { server });  // request/reply by id
 * await child.close();
 * ```
 */
import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { createInterface } from 'node:readline';

export type JsonMessage = Record<string, unknown>;

const DEFAULT_TIMEOUT_MS = 10_000;
const TAIL_CHARS = 6_000;
const CLOSE_GRACE_MS = 2_000;

interface Waiter {
  predicate: (m: JsonMessage) => boolean;
  resolve: (m: JsonMessage) => void;
  reject: (err: Error) => void;
}

export class JsonChild {
  private readonly inbox: JsonMessage[] = [];
  private readonly waiters = new Set<Waiter>();
  private stderrTail = '';
  private noiseTail = '';
  private exitStatus: string | undefined;
  private nextId = 1;
  /** Resolves once the child has exited and its stdout and stderr are drained. */
  readonly closed: Promise<void>;

  constructor(
    readonly child: ChildProcess,
    readonly label: string,
    private readonly defaultTimeoutMs = DEFAULT_TIMEOUT_MS,
  ) {
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-TAIL_CHARS);
    });
    if (child.stdout !== null) {
      createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) =>
        this.onLine(line),
      );
    }
    // A write to a child that died is reported through the 'error' of stdin; the exit reports it.
    child.stdin?.on('error', () => {});
    this.closed = new Promise<void>((resolve) => {
      const settle = (status: string): void => {
        if (this.exitStatus !== undefined) return;
        this.exitStatus = status;
        for (const w of this.waiters) w.reject(this.error(`exited (${status}) while a test waited for it`));
        this.waiters.clear();
        resolve();
      };
      // 'close' comes after stdout and stderr end, so no line is lost.
      child.once('close', (code, signal) => settle(signal !== null ? `signal ${signal}` : `code ${code}`));
      child.once('error', (err) => settle(`spawn error: ${err.message}`));
    });
    // The child must not keep a test process alive; the topology kills it on destroy.
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr])
      (stream as unknown as Socket | null)?.unref();
  }

  get pid(): number | undefined {
    return this.child.pid;
  }
  /** How the child ended, or undefined while it runs. */
  get exited(): string | undefined {
    return this.exitStatus;
  }
  /** The last few kilobytes the child wrote to stderr. */
  get stderr(): string {
    return this.stderrTail;
  }

  /** Writes one message as a line on the child's stdin. */
  send(message: JsonMessage): void {
    const stdin = this.child.stdin;
    if (this.exitStatus !== undefined || stdin === null || !stdin.writable) {
      throw this.error(`cannot send ${JSON.stringify(message).slice(0, 200)}: the child's stdin is closed`);
    }
    stdin.write(`${JSON.stringify(message)}\n`);
  }

  /**
   * The first message (queued or yet to come) that matches, removed from the queue. Rejects on
   * timeout and when the child exits first.
   */
  next<T extends JsonMessage = JsonMessage>(
    predicate: (m: JsonMessage) => boolean = () => true,
    timeoutMs = this.defaultTimeoutMs,
    what = 'a matching message',
  ): Promise<T> {
    const i = this.inbox.findIndex((m) => {
      try {
        return predicate(m);
      } catch {
        return false;
      }
    });
    if (i >= 0) return Promise.resolve(this.inbox.splice(i, 1)[0] as T);
    if (this.exitStatus !== undefined) {
      return Promise.reject(this.error(`exited (${this.exitStatus}) before sending ${what}`));
    }
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(this.error(`no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        predicate,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as T);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      this.waiters.add(waiter);
    });
  }

  /** Messages queued now that match, removed from the queue; does not wait. */
  drain(predicate: (m: JsonMessage) => boolean = () => true): JsonMessage[] {
    const taken: JsonMessage[] = [];
    for (let i = 0; i < this.inbox.length; ) {
      const m = this.inbox[i] as JsonMessage;
      if (predicate(m)) {
        taken.push(m);
        this.inbox.splice(i, 1);
      } else {
        i++;
      }
    }
    return taken;
  }

  /**
   * Request/reply (what child-io.ts `serve()` answers): sends `{ cmd, id, ...params }` and waits
   * for `{ id, result }` or `{ id, error }`.
   */
  async call<T = unknown>(
    cmd: string,
    params: JsonMessage = {},
    timeoutMs = this.defaultTimeoutMs,
  ): Promise<T> {
    const id = this.nextId++;
    this.send({ ...params, cmd, id });
    const reply = await this.next(
      (m) => m['id'] === id && m['event'] === undefined,
      timeoutMs,
      `reply to ${cmd}`,
    );
    if (typeof reply['error'] === 'string') throw this.error(`${cmd} failed: ${reply['error']}`);
    return reply['result'] as T;
  }

  /** Closes stdin (the child's cue to exit), then SIGTERM, then SIGKILL. Idempotent. */
  async close(graceMs = CLOSE_GRACE_MS): Promise<void> {
    if (this.exitStatus !== undefined) return;
    this.child.stdin?.end();
    if (await this.waitClosed(graceMs)) return;
    this.child.kill('SIGTERM');
    if (await this.waitClosed(graceMs)) return;
    this.child.kill('SIGKILL');
    await this.closed;
  }

  /** An Error that names the child and carries its stderr and stray stdout. */
  error(what: string): Error {
    let text = `${this.label}: ${what}`;
    if (this.stderrTail !== '') text += `\n--- ${this.label} stderr ---\n${this.stderrTail.trimEnd()}`;
    if (this.noiseTail !== '')
      text += `\n--- ${this.label} stdout (not JSON) ---\n${this.noiseTail.trimEnd()}`;
    return new Error(text);
  }

  private waitClosed(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      void this.closed.then(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  private onLine(line: string): void {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      message = undefined;
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      // console.log from inside the child, say: kept for error messages.
      this.noiseTail = `${this.noiseTail + line}\n`.slice(-TAIL_CHARS);
      return;
    }
    const m = message as JsonMessage;
    for (const w of this.waiters) {
      let matches = false;
      try {
        matches = w.predicate(m);
      } catch {
        // a predicate that cannot read this message does not want it
      }
      if (matches) {
        this.waiters.delete(w);
        w.resolve(m);
        return;
      }
    }
    this.inbox.push(m);
  }
}
