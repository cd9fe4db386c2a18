// tsx scripts/host/run.ts [--firmware NAME] FILE.js: runs an Espruino script
// (e.g. dist/app.js) in the host runtime and exits once it is idle (no timers,
// no sockets, nothing queued), like Espruino's Linux build in script mode.
import { readFileSync } from "node:fs";
import { Command, InvalidArgumentError } from "commander";
import pc from "picocolors";
import { createHostRuntime } from "./runtime.ts";
import { stopProbe } from "./probe.ts";
import type { Firmware } from "./firmware.ts";
import { addFirmwareOptions, chosenFirmware } from "./firmware-option.ts";

function positiveMs(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("expected a positive number of milliseconds");
  return n;
}

const program = addFirmwareOptions(new Command())
  .name("tsx scripts/host/run.ts")
  .description("Run an Espruino script in the host runtime (Espruino globals over Node) and exit when it is idle.")
  .argument("<file>", "the script to run, e.g. dist/app.js")
  .option("--timeout <ms>", "give up after this long even if the script is still busy", positiveMs)
  .showHelpAfterError()
  .action(async (file: string, options: { timeout?: number }, command: Command) => {
    let firmware: Firmware;
    try {
      firmware = chosenFirmware(command);
    } catch (error) {
      process.stderr.write(pc.red(`error: ${(error as Error).message}\n`));
      process.exitCode = 1;
      return;
    }
    let code: string;
    try {
      code = readFileSync(file, "latin1");
    } catch (error) {
      process.stderr.write(pc.red(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`));
      process.exitCode = 1;
      return;
    }
    const runtime = createHostRuntime({ firmware, write: (text) => void process.stdout.write(text) });
    runtime.run(code, file);
    const started = performance.now();
    let timedOut = false;
    // Idle means Espruino's script mode would exit: poll, as there is no event for it.
    while (!runtime.isIdle()) {
      if (options.timeout !== undefined && performance.now() - started > options.timeout) {
        timedOut = true;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    runtime.close();
    await stopProbe();
    if (timedOut) {
      process.stderr.write(pc.red(`still busy after ${options.timeout} ms; stopped\n`));
      process.exitCode = 1;
    }
  });

await program.parseAsync();
