/**
 * The operations chain of webrtc-pc §4.4.1.2: createOffer, createAnswer, setLocalDescription,
 * setRemoteDescription and addIceCandidate run one at a time, in call order, so that each sees
 * the state the previous one left. `onEmpty` lets the connection re-check negotiation-needed
 * when the chain drains (§4.7.3).
 */
export class OperationsChain {
  readonly #queue: Array<() => Promise<void>> = [];
  #running = false;

  constructor(private readonly onEmpty: () => void) {}

  get length(): number {
    return this.#queue.length + (this.#running ? 1 : 0);
  }

  run<T>(operation: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push(async () => {
        try {
          resolve(await operation());
        } catch (e) {
          reject(e);
        }
      });
      if (!this.#running) void this.#next();
    });
  }

  async #next(): Promise<void> {
    this.#running = true;
    for (let op = this.#queue.shift(); op !== undefined; op = this.#queue.shift()) await op();
    this.#running = false;
    this.onEmpty();
  }
}
