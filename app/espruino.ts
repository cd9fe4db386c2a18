// The Platform over Espruino's globals. On the device these are the real
// globals (see index.ts); the host runtime and the unit tests supply their own.
import type { EspruinoE, EspruinoModules, EspruinoProcess, ParsedUrl } from "../typings/espruino.d.ts";
import type { Platform, Timer } from "./platform.ts";
import { errorText } from "./thrown.ts";

export interface EspruinoGlobals {
  require<N extends keyof EspruinoModules>(name: N): EspruinoModules[N];
  process: EspruinoProcess;
  E: Pick<EspruinoE, "defrag">;
  url: { parse(url: string): ParsedUrl };
  atob(base64: string): string;
  setTimeout(callback: () => void, ms: number): Timer;
  clearTimeout(timer: Timer): void;
  log(line: string): void;
  now(): number;
}

export function espruinoPlatform(g: EspruinoGlobals): Platform {
  let peak: number | null = null;
  let uncaught: ((error: unknown) => void) | null = null;
  let listening = false;

  // Never require("...") with a literal name in the bundle: the espruino CLI would take it for a module
  // to load, and change what it stores (measured: a newline before the code).
  const load = <N extends keyof EspruinoModules>(name: N) => g.require(name);

  return {
    now: g.now,
    setTimeout: g.setTimeout,
    clearTimeout: g.clearTimeout,
    print: g.log,
    tls: () => load("tls"),
    wifi: () => {
      try {
        return load("Wifi");
      } catch (e) {
        return null;
      }
    },
    parseUrl: (text) => g.url.parse(text),
    decode: g.atob,
    version: () => g.process.env.VERSION,
    defragment: () => {
      if (g.E.defrag) g.E.defrag();
    },
    sampleMemory: () => {
      const usage = g.process.memory().usage;
      if (peak === null || usage > peak) peak = usage;
    },
    memoryPeak: () => peak,
    onUncaught: (handler) => {
      uncaught = handler;
      if (listening) return;
      listening = true;
      // One listener for the program's lifetime; errors with nobody waiting are still shown.
      g.process.on("uncaughtException", (error) => {
        if (uncaught) uncaught(error);
        else g.log("Uncaught " + errorText(error));
      });
    },
  };
}
