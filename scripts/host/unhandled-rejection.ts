// Unhandled promise rejections reach Node's process, not the context they
// happened in. Rejections of promises from a runtime's realm go to that
// runtime, which reports them as Espruino does ("Uncaught Error: Unhandled
// promise rejection: ..."); any other keeps Node's behaviour (it is rethrown).

export interface RejectionHandler {
  /** A rejected promise nobody handled: true when it was this handler's. */
  handleRejection(reason: unknown, promise: Promise<unknown>): boolean;
}

const handlers = new Set<RejectionHandler>();
let hookInstalled = false;

function installHook(): void {
  if (hookInstalled) return;
  hookInstalled = true;
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
}

export function addRejectionHandler(handler: RejectionHandler): void {
  handlers.add(handler);
  installHook();
}

export function removeRejectionHandler(handler: RejectionHandler): void {
  handlers.delete(handler);
}
