// The `E` object: Espruino's own utilities, as far as the app and the espruino
// CLI use them, and E.on's events ("init" at boot).
import { toBinaryString } from "../binary-string.ts";
import { sizeOfValue } from "../sizeof.ts";
import type { GlobalScope, RuntimeServices } from "./runtime-services.ts";

export function installE(globals: GlobalScope, runtime: RuntimeServices): void {
  const listeners = runtime.session.eListeners;
  globals.E = runtime.session.helpers.object({
    toString: (...args: unknown[]) => args.map(toBinaryString).join(""),
    getSizeOf: (value: unknown) => sizeOfValue(value),
    // Nothing to compact: V8 manages this memory. The app calls it before each TLS connection.
    defrag: () => undefined,
    reboot: () => runtime.requestReboot("power-on"),
    setTimeZone: () => undefined,
    on: (event: unknown, fn: unknown) => listeners.add(event, fn),
    removeListener: (event: unknown, fn: unknown) => listeners.remove(event, fn),
    removeAllListeners: (event?: unknown) => listeners.removeAll(event),
    emit: (event: unknown, ...args: unknown[]) => {
      for (const listener of listeners.of(String(event))) listener(...args);
    },
  });
}
