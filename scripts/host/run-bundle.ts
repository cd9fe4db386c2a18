// Runs a built bundle in the host runtime until the program is done: its
// RESULT line printed and nothing left pending (or a time limit passed).
import { createHostRuntime } from "./runtime.ts";
import type { Firmware } from "./firmware.ts";
import type { TlsHandshake } from "./tls.ts";
import { type ResultJson, parseResultLine } from "../lib/result.ts";

export interface RunOptions {
  /** The firmware whose TLS the host runtime plays (default: the recommended one). */
  firmware?: Firmware;
  /** Each line of the program's output, as it comes. */
  onLine?: (line: string) => void;
  /** Give up after this long (the program's own deadlines come first). */
  timeoutMs?: number;
}

export interface RunOutcome {
  lines: string[];
  result: ResultJson | null;
  /** Peak process.memory().usage the program saw, in blocks. */
  memoryPeak: number;
  /** The time limit passed before the program finished. */
  timedOut: boolean;
  /** What each TLS connection that passed its handshake negotiated, in order. */
  handshakes: TlsHandshake[];
}

const POLL_MS = 20;

export async function runBundle(code: string, options: RunOptions = {}): Promise<RunOutcome> {
  const lines: string[] = [];
  let partial = "";
  let result: ResultJson | null = null;
  const handshakes: TlsHandshake[] = [];
  const runtime = createHostRuntime({
    firmware: options.firmware,
    onTlsHandshake: (handshake) => handshakes.push(handshake),
    write: (text) => {
      partial += text;
      const parts = partial.split(/\r?\n/);
      partial = parts.pop() ?? "";
      for (const line of parts) {
        lines.push(line);
        result ??= parseResultLine(line);
        options.onLine?.(line);
      }
    },
  });
  const limit = performance.now() + (options.timeoutMs ?? 120_000);
  let timedOut = false;
  try {
    runtime.run(code, "app.js");
    // Done when the program is idle; it should have printed RESULT by then.
    while (!runtime.isIdle()) {
      if (performance.now() > limit) {
        timedOut = true;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    runtime.close();
  }
  if (partial) {
    lines.push(partial);
    result ??= parseResultLine(partial);
    options.onLine?.(partial);
  }
  return { lines, result, memoryPeak: runtime.memoryPeak(), timedOut, handshakes };
}
