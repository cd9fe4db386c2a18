// What `npm run upload` does before the board is touched: build the check,
// refuse a bundle the subset gate rejects, check the serial device, and put
// the bundle (it holds the secrets) in a private scratch file for the upload
// session, removed afterwards.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AppConfig } from "../../app/config.ts";
import { buildBundle, rejected, type Bundle } from "../build/bundle.ts";
import { formatProblems } from "../gate/gate.ts";
import { asUsage, UsageError } from "../lib/command.ts";
import { createRedactor, secretsOf } from "../lib/redact.ts";
import { EXIT, type FailOn } from "../lib/result.ts";
import { checkBeforeConnecting, explainWithFacts } from "./cli-connection.ts";
import { ESPRUINO_VERSION } from "./espruino-cli.ts";
import { portAndBaud } from "./port.ts";
import { consoleOutput, redactingOutput, type UploadOutput } from "./upload-output.ts";
import { runUploadSession } from "./upload-session.ts";

/**
 * How long to wait for RESULT once the upload is on the board: the check and
 * the probe (each bounded by the deadline), joining Wi-Fi (every attempt) and
 * setting the clock (10 s at most, app/clock.ts), plus time to boot.
 */
export function defaultResultTimeoutMs(config: AppConfig): number {
  const checks = config.probe ? 2 : 1;
  const wifi = config.wifi ? config.wifiTimeoutMs * config.wifiAttempts + 10_000 : 0;
  return checks * config.deadlineMs + wifi + 20_000;
}

export interface UploadOptions {
  /** --port as given: a serial device or tcp://HOST:PORT. */
  port: string;
  baud?: number;
  /** Send to RAM only (reset, then the code), instead of storing it as boot code. */
  ram?: boolean;
  /** How long to wait for RESULT after the upload went out (default defaultResultTimeoutMs). */
  timeoutMs?: number;
  failOn?: FailOn;
  /** Also show what the espruino CLI says about itself. */
  verbose?: boolean;
  config: AppConfig;
  /** Builds the bundle (default buildBundle); a test hands in its own. */
  build?: (config: AppConfig) => Promise<Bundle>;
  /** Aborting stops the CLI and ends the upload (exit 130). */
  signal?: AbortSignal;
}

/**
 * Builds, checks and uploads the bundle, then waits for the board's RESULT.
 * Returns the exit code; throws UsageError for flags that make no sense.
 */
export async function upload(options: UploadOptions, destination: UploadOutput = consoleOutput()): Promise<number> {
  const output = redactingOutput(destination, createRedactor(secretsOf(options.config)));
  const { port, baud } = asUsage(() => portAndBaud(options.port, options.baud));
  const timeoutMs = options.timeoutMs ?? defaultResultTimeoutMs(options.config);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1000) throw new UsageError("--timeout must be at least 1000 ms");

  output.info("building the check");
  const bundle = await (options.build ?? buildBundle)(options.config);
  if (rejected(bundle)) {
    output.fail("the bundle uses JavaScript that Espruino cannot run; nothing was sent to the board:\n" + formatProblems(bundle.problems, "dist/app.js"));
    return EXIT.USAGE;
  }
  if (bundle.problems.length) output.warn(formatProblems(bundle.problems, "dist/app.js"));

  const checked = await checkBeforeConnecting(port);
  if ("problem" in checked) {
    for (const line of await explainWithFacts(checked.problem)) output.fail(line);
    return EXIT.USAGE;
  }

  const ram = options.ram === true;
  return inScratchFile(bundle.code, (file) => {
    output.info(`bundle ${bundle.bytes} bytes; ${ram ? "sending it to the board's RAM (gone after a reset)" : "storing it as the board's boot code (Storage .bootcde)"} with the espruino CLI ${ESPRUINO_VERSION}`);
    return runUploadSession({
      port,
      baud,
      deviceExists: checked.deviceExists,
      file,
      bundleBytes: bundle.bytes,
      ram,
      timeoutMs,
      failOn: options.failOn,
      verbose: options.verbose === true,
      output,
      signal: options.signal,
    });
  });
}

/** Runs `use` with `code` in a file only this user can read, in a private directory removed afterwards. */
async function inScratchFile<T>(code: string, use: (file: string) => Promise<T>): Promise<T> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "espruino-upload-"));
  try {
    const file = path.join(scratch, "app.js");
    fs.writeFileSync(file, code, { mode: 0o600 });
    return await use(file);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
