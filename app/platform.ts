// The small interface the core needs from a platform. espruino.ts provides it
// over Espruino's globals; tests provide those globals from stubs.
import type { Socket, TlsConnectOptions, WifiModule } from "../typings/espruino.d.ts";

export type Timer = number;

export interface Platform {
  now(): number;
  setTimeout(callback: () => void, ms: number): Timer;
  clearTimeout(timer: Timer): void;
  /** Prints one line of output. */
  print(line: string): void;
  /** The tls module; throws when the firmware has none ("Module tls not found", failure.ts makes it NO_TLS). */
  tls(): { connect(options: TlsConnectOptions, onConnect: () => void): Socket };
  /** The Wi-Fi module, or null on boards without one (Linux build, wired boards). */
  wifi(): WifiModule | null;
  /** Splits a URL the way Espruino's url.parse does. */
  parseUrl(url: string): { protocol?: string; host: string; port: number | null; path: string };
  /** base64 -> binary string. */
  decode(base64: string): string;
  /** Firmware version, for the User-Agent and the report. */
  version(): string;
  /** Gathers free memory into one block, where the platform can: a TLS context needs a large contiguous piece. */
  defragment(): void;
  /** Records current memory use; the peak is reported. */
  sampleMemory(): void;
  /** Peak memory use in variable blocks, or null where the platform cannot tell. */
  memoryPeak(): number | null;
  /** Routes uncaught exceptions (Espruino raises failed handshakes that way) to `handler`; null stops. */
  onUncaught(handler: ((error: unknown) => void) | null): void;
}
