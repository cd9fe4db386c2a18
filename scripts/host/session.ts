// Everything that lives for one boot of the interpreter: the app's realm, its
// timers, sockets, listeners and loaded modules, and the event queue that
// runs callbacks one at a time, in order, like Espruino's. A reset drops the
// session and starts a new one.
import { type Realm, type RealmHelpers, createRealm } from "./realm.ts";
import { EventListeners } from "./event-listeners.ts";
import type { TrackedSocket } from "./tls-socket.ts";

export class Session {
  readonly realm: Realm;
  readonly timers = new Map<number, NodeJS.Timeout>();
  readonly sockets = new Set<TrackedSocket>();
  /** process.on's listeners. */
  readonly processListeners = new EventListeners();
  /** E.on's listeners. */
  readonly eListeners = new EventListeners();
  readonly modules = new Map<string, unknown>();
  nextTimerId = 1;
  closed = false;
  /** Characters of code loaded (process.memory's model counts it). */
  codeLength = 0;
  /** The globals the runtime provides; the app's are the others. */
  builtins = new Set<string>();
  private readonly queue: Array<() => void> = [];
  private drainScheduled = false;

  constructor(
    /** Where an exception thrown by a queued event goes. */
    private readonly onUncaught: (error: unknown) => void,
    /** Runs after each pass over the queue. */
    private readonly afterEvents: () => void,
  ) {
    this.realm = createRealm();
  }

  get helpers(): RealmHelpers {
    return this.realm.helpers;
  }

  /** Timers, sockets or queued events: the program is not done yet. */
  hasPendingWork(): boolean {
    return this.timers.size > 0 || this.sockets.size > 0 || this.queue.length > 0;
  }

  /** Events run in order, one after the other, like Espruino's event queue. */
  enqueue(task: () => void): void {
    if (this.closed) return;
    this.queue.push(task);
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      while (this.queue.length > 0 && !this.closed) {
        const next = this.queue.shift() as () => void;
        try {
          next();
        } catch (error) {
          if (!this.closed) this.onUncaught(error);
        }
      }
      this.afterEvents();
    });
  }

  clearTimers(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  /** Stops everything the session started; nothing of it runs afterwards. */
  dispose(): void {
    this.closed = true;
    this.clearTimers();
    for (const socket of [...this.sockets]) socket.destroy();
    this.sockets.clear();
    this.queue.length = 0;
    this.processListeners.clear();
    this.eListeners.clear();
  }
}
