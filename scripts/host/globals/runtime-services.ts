// What the runtime lends each family of globals (the other files here) for
// one session: its options, Storage, the device's clock, and the calls that
// run the app's code and report what it throws.
import type { BootKind, HostRuntimeOptions } from "../runtime-api.ts";
import type { DeviceClock } from "../device-clock.ts";
import type { Callable } from "../event-listeners.ts";
import type { Session } from "../session.ts";

/** The app's global object, as the runtime fills it. */
export type GlobalScope = Record<string, unknown>;

export interface RuntimeServices {
  readonly session: Session;
  readonly options: HostRuntimeOptions;
  /** The device's Storage (it outlives the session). */
  readonly storage: Map<string, string>;
  readonly clock: DeviceClock;
  /** Console output. */
  write(text: string): void;
  /** Run code the way HostRuntime.run does (a timer given as a string). */
  run(code: string, filename: string): void;
  /** Run a callback into the app; an exception becomes an uncaught error. */
  call(fn: Callable, args: unknown[]): void;
  /** Report an exception nobody caught, as Espruino does. */
  reportUncaught(error: unknown): void;
  /** reset()/load()/E.reboot(): happens once the current code returns. */
  requestReboot(kind: BootKind, file?: string): void;
  /** process.memory()'s usage now, in blocks (the runtime keeps the peak). */
  memoryUsage(): number;
}
