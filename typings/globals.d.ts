// Espruino's globals, for code that runs on the interpreter (app/).
import type { EspruinoE, EspruinoModules, EspruinoProcess, TimerId, UrlModule } from "./espruino.d.ts";

declare global {
  /** Built-in modules; unknown names throw `Module X not found`. */
  function require<N extends keyof EspruinoModules>(name: N): EspruinoModules[N];
  const process: EspruinoProcess;
  const E: EspruinoE;
  const url: UrlModule;
  function atob(base64: string): string;
  function btoa(binary: string): string;
  function setTimeout(callback: () => void, ms: number): TimerId;
  function clearTimeout(id: TimerId): void;
  function setInterval(callback: () => void, ms: number): TimerId;
  function clearInterval(id: TimerId): void;
  function print(...text: unknown[]): void;
  interface Console {
    log(...text: unknown[]): void;
  }
  const console: Console;
}

export {};
