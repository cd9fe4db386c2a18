// The `process` object: Espruino's version and environment as the host
// runtime plays them, process.memory() (a model, see sizeof.ts) and
// process.on("uncaughtException").
import { BOARD, ESPRUINO_VERSION } from "../runtime-api.ts";
import { BLOCK_BYTES, TOTAL_BLOCKS } from "../sizeof.ts";
import type { GlobalScope, RuntimeServices } from "./runtime-services.ts";

export function installProcess(globals: GlobalScope, runtime: RuntimeServices): void {
  const realm = runtime.session.helpers;
  const listeners = runtime.session.processListeners;
  globals.process = realm.object({
    version: ESPRUINO_VERSION,
    env: realm.object({
      VERSION: ESPRUINO_VERSION,
      BOARD,
      FLASH: 0,
      STORAGE: 0x30000,
      RAM: TOTAL_BLOCKS * BLOCK_BYTES,
      SERIAL: "00000000-0000-0000-0000-000000000000",
      CONSOLE: runtime.options.consoleDevice ?? "Telnet",
      MODULES: runtime.options.noTls ? "Storage" : "Storage,tls",
      EXPTR: 0,
    }),
    memory: () => {
      const usage = runtime.memoryUsage();
      return realm.object({ free: TOTAL_BLOCKS - usage, usage, total: TOTAL_BLOCKS, history: 0, gc: 0, gctime: 0, blocksize: BLOCK_BYTES });
    },
    on: (event: unknown, fn: unknown) => listeners.add(event, fn),
    removeListener: (event: unknown, fn: unknown) => listeners.remove(event, fn),
    removeAllListeners: (event?: unknown) => listeners.removeAll(event),
  });
}
