// setTimeout, setInterval, clearTimeout, clearInterval, changeInterval, the
// Espruino way: ids are small integers; clearTimeout() with no argument
// clears every timer, clearTimeout(undefined) throws; a callback may be code
// in a string.
import type { GlobalScope, RuntimeServices } from "./runtime-services.ts";
import type { Callable } from "../event-listeners.ts";

export function installTimers(globals: GlobalScope, runtime: RuntimeServices): void {
  const { session } = runtime;
  const error = (message: string): object => session.helpers.newError("Error", message);
  const addTimer = (repeat: boolean, fn: unknown, ms: unknown, args: unknown[]): number => {
    if (typeof fn !== "function" && typeof fn !== "string") throw error("Function or String not supplied!");
    const id = session.nextTimerId++;
    const delay = Math.max(0, Number(ms) || 0);
    const fire = (): void => {
      if (session.closed) return;
      if (!repeat) session.timers.delete(id);
      if (typeof fn === "string") runtime.run(fn, "timer");
      else runtime.call(fn as Callable, args);
    };
    session.timers.set(id, repeat ? setInterval(fire, delay) : setTimeout(fire, delay));
    return id;
  };
  const clearTimer = (kind: "Timeout" | "Interval", args: unknown[]): void => {
    if (args.length === 0) {
      session.clearTimers();
      return;
    }
    if (args[0] === undefined) throw error(`clear${kind}(undefined) not allowed. Use clear${kind}() instead`);
    const id = Number(args[0]);
    const timer = session.timers.get(id);
    if (timer) {
      clearTimeout(timer);
      session.timers.delete(id);
    }
  };
  globals.setTimeout = (fn: unknown, ms: unknown, ...args: unknown[]) => addTimer(false, fn, ms, args);
  globals.setInterval = (fn: unknown, ms: unknown, ...args: unknown[]) => addTimer(true, fn, ms, args);
  globals.clearTimeout = (...args: unknown[]) => clearTimer("Timeout", args);
  globals.clearInterval = (...args: unknown[]) => clearTimer("Interval", args);
  globals.changeInterval = (id: unknown, ms: unknown) => {
    const timer = session.timers.get(Number(id));
    if (!timer) return;
    const callback = (timer as unknown as { _onTimeout: () => void })._onTimeout;
    clearInterval(timer);
    session.timers.set(Number(id), setInterval(callback, Math.max(0, Number(ms) || 0)));
  };
}
