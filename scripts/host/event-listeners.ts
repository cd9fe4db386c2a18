// The listener lists behind E.on and process.on: by event name, in the order
// added; what is not a function is ignored, as Espruino does.

export type Callable = (...args: unknown[]) => unknown;

export class EventListeners {
  private readonly byEvent = new Map<string, Callable[]>();

  add(event: unknown, listener: unknown): void {
    if (typeof listener !== "function") return;
    const name = String(event);
    this.byEvent.set(name, [...(this.byEvent.get(name) ?? []), listener as Callable]);
  }

  remove(event: unknown, listener: unknown): void {
    const name = String(event);
    this.byEvent.set(name, (this.byEvent.get(name) ?? []).filter((added) => added !== listener));
  }

  /** Every listener of `event`, or of every event when none is named (the app gets delete's boolean, as it always has). */
  removeAll(event?: unknown): boolean | void {
    return event === undefined ? this.byEvent.clear() : this.byEvent.delete(String(event));
  }

  /** A copy: a listener may add or remove listeners while the list is run. */
  of(event: string): Callable[] {
    return [...(this.byEvent.get(event) ?? [])];
  }

  clear(): void {
    this.byEvent.clear();
  }
}
