// npm run upload: build the check with the given configuration, refuse a
// bundle the subset gate rejects (before touching the board), store it on
// the board through the official espruino CLI so that it runs at every boot,
// restart the board, stream its output until the RESULT line, and exit like
// `npm start`: 0 completed, 2 check failed or no RESULT, 3 rating at
// --fail-on or worse, 1 for anything the user must fix first (flags,
// configuration, gate, port, permissions, baud rate); 130 when interrupted.
// The work is in board/upload-run.ts (build, preflight) and
// board/upload-session.ts (the CLI, followed until RESULT).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Command, Option } from "commander";
import pc from "picocolors";
import { addConfigOptions, resolveConfig, type ConfigFlags } from "./build/config.ts";
import { SUGGESTED_BAUD } from "./board/port.ts";
import { upload } from "./board/upload-run.ts";
import { wholeNumber } from "./lib/args.ts";
import { runMain, UsageError, warn } from "./lib/command.ts";
import type { FailOn } from "./lib/result.ts";

// For tests and tools that run an upload in their own process.
export { upload };
export type { UploadOptions } from "./board/upload-run.ts";
export type { UploadOutput } from "./board/upload-output.ts";

interface UploadFlags extends ConfigFlags {
  port: string;
  baud: number;
  failOn?: FailOn;
  timeout?: number;
  ram?: boolean;
  verbose?: boolean;
}

function program(): Command {
  return addConfigOptions(
    new Command("upload")
      .description(
        "Build the check with the given configuration, store it on an Espruino board so that it runs at every boot " +
          "(Storage .bootcde, via the official espruino CLI), restart the board and show its output until the RESULT line. " +
          "A bundle the subset gate rejects never reaches the board.\n" +
          "Exit codes: 0 check completed, 2 check failed or no RESULT in time, 3 rating at --fail-on or worse, " +
          "1 something to fix first (flags, configuration, gate, port, permissions, baud rate).",
      )
      // Not a commander requiredOption: commander would complain about it before naming an unknown option.
      .option("--port <port>", "required: the board: a serial device (/dev/ttyUSB0, COM3) or tcp://HOST:PORT (a telnet console, npm run virtual-device)")
      .addOption(new Option("--baud <rate>", "serial speed in bits per second").default(SUGGESTED_BAUD).argParser(wholeNumber("--baud")))
      .addOption(new Option("--fail-on <rating>", "exit 3 when the rating is this or worse").choices(["improvable", "bad"]))
      .addOption(new Option("--timeout <ms>", "how long to wait for RESULT after the upload (default: deadline x2 + Wi-Fi + 20 s)").argParser(wholeNumber("--timeout")))
      .option("--ram", "send the code to RAM only, for a quick try: it runs now and is gone after a reset (boot code stored earlier stays); the code then takes RAM that TLS needs")
      .option("--verbose", "also show what the espruino CLI says (secrets masked)"),
  );
}

async function main(): Promise<number> {
  const command = program();
  command.parse();
  const flags = command.opts<UploadFlags>();
  if (flags.port === undefined) throw new UsageError("--port is required: a serial device (/dev/ttyUSB0, COM3) or tcp://HOST:PORT (npm run upload -- --help)");
  const resolved = resolveConfig(flags);
  for (const line of resolved.summary) process.stderr.write(pc.dim(line) + "\n");
  for (const warning of resolved.warnings) warn(warning);
  const controller = new AbortController();
  process.once("SIGINT", () => controller.abort());
  process.once("SIGTERM", () => controller.abort());
  return upload({
    port: flags.port,
    baud: flags.baud,
    ram: flags.ram,
    timeoutMs: flags.timeout,
    failOn: flags.failOn,
    verbose: flags.verbose,
    config: resolved.config,
    signal: controller.signal,
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) runMain(main);
