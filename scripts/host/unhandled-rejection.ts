// Unhandled promise rejections reach Node's process, not the context they
// happened in. Rejections of promises from a runtime's realm go to that
// runtime, which reports them as Espruino does ("Uncaught Error: Unhandled
// promise rejection: ..."); any other keeps Node's behaviour (it is rethrown).

export interface RejectionHandler {
  /** A rejected promise nobody handled: true when it was this handler's. */
  handleRejection(reason: unknown, promise: Promise<unknown>): boolean;
}

/**
 * One registry and one hook per process, kept on `process` itself: when this
 * module is loaded more than once in a process (the test suite has seen two
 * instances of it), two hooks would each rethrow the other's rejections, and
 * the first to run would end the event for both.
 */
const REGISTRY = Symbol.for("espruino-tls-check/rejection-handlers");

function registeredHandlers(): Set<RejectionHandler> {
  const holder = process as unknown as Record<symbol, Set<RejectionHandler> | undefined>;
  const existing = holder[REGISTRY];
  if (existing) return existing;
  const handlers = new Set<RejectionHandler>();
  holder[REGISTRY] = handlers;
  // Some hosts (mocha) re-emit the event: report each promise once.
  const reported = new WeakSet<Promise<unknown>>();
  process.on("unhandledRejection", (reason, promise) => {
    if (reported.has(promise)) return;
    for (const handler of handlers) {
      if (handler.handleRejection(reason, promise)) {
        reported.add(promise);
        return;
      }
    }
    throw reason;
  });
  return handlers;
}

export function addRejectionHandler(handler: RejectionHandler): void {
  registeredHandlers().add(handler);
}

export function removeRejectionHandler(handler: RejectionHandler): void {
  registeredHandlers().delete(handler);
}
