export function rng(seed: number): () => number;

export class Heap<T = unknown> {
  readonly size: number;
  peekTime(): number | undefined;
  push(time: number, item: T): void;
  pop(): T | undefined;
}

export interface PathOptions {
  /** Bits per second at the bottleneck (default: unlimited). */
  readonly bandwidth?: number;
  /** One-way propagation delay in ms (default 0). */
  readonly delay?: number;
  /** Probability that a packet is lost (default 0). */
  readonly loss?: number;
  /** Probability that a packet is held back by up to `reorderDelay` ms (default 0). */
  readonly reorder?: number;
  readonly reorderDelay?: number;
  /** Probability that a packet arrives twice (default 0). */
  readonly duplicate?: number;
  /** Drop-tail queue at the bottleneck, in bytes (default: unlimited). */
  readonly queueBytes?: number;
  readonly seed?: number;
}

export interface PathStats {
  sent: number;
  bytes: number;
  lost: number;
  queueDropped: number;
  reordered: number;
  duplicated: number;
}

export class Path {
  constructor(options?: PathOptions);
  readonly stats: PathStats;
  transit(now: number, size: number): number[];
}
