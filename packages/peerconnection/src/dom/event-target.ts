/**
 * EventTarget with the `on<name>` event handler attributes of the W3C interfaces (HTML
 * §8.1.8.1): setting `onopen` adds one listener that calls whatever the attribute holds at
 * dispatch time; setting it to null removes it. Node, Bun and Deno all provide EventTarget and
 * Event, so nothing here is a polyfill of them.
 */
export type EventHandler<E extends Event = Event> = ((this: EventTarget, event: E) => unknown) | null;

export class RtcEventTarget extends EventTarget {
  /** Made by the first handler set: most targets (transports, channels) never get one. */
  #handlers: Map<string, { fn: EventHandler; listener: (e: Event) => void }> | undefined;

  /** The handler attribute `on<type>`. */
  protected getHandler<E extends Event = Event>(type: string): EventHandler<E> {
    return (this.#handlers?.get(type)?.fn ?? null) as EventHandler<E>;
  }

  protected setHandler<E extends Event = Event>(type: string, handler: EventHandler<E>): void {
    const fn = handler as EventHandler;
    const entry = this.#handlers?.get(type);
    if (typeof fn !== 'function') {
      if (entry !== undefined) {
        this.removeEventListener(type, entry.listener);
        this.#handlers?.delete(type);
      }
      return;
    }
    if (entry !== undefined) {
      entry.fn = fn;
      return;
    }
    const created = {
      fn: fn as EventHandler,
      listener: (e: Event): void => {
        const current = created.fn;
        if (typeof current === 'function') current.call(this, e);
      },
    };
    this.#handlers ??= new Map();
    this.#handlers.set(type, created);
    this.addEventListener(type, created.listener);
  }

  /**
   * Dispatches without letting a listener's exception escape into the protocol code that fired
   * the event (a browser reports such errors and goes on; so do we, on the next tick).
   */
  protected fire(event: Event): void {
    try {
      this.dispatchEvent(event);
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}
