// The `--firmware wolfssl|mbedtls|stock` choice of the commands that run the
// host runtime (start, virtual-device, bench), with `--stock-tls` kept as
// the name it had before there was a choice.
import { type Command, Option } from "commander";
import { DEFAULT_FIRMWARE, FIRMWARES, type Firmware, firmwareProblem, firmwareTls } from "./firmware.ts";
import { UsageError } from "../lib/command.ts";

export function addFirmwareOptions(command: Command): Command {
  return command
    .addOption(
      new Option("--firmware <name>", "the firmware whose TLS the host runtime plays: this project's wolfSSL (TLS 1.3) or mbedTLS (TLS 1.2) build, or stock Espruino")
        .choices(FIRMWARES)
        .default(DEFAULT_FIRMWARE),
    )
    .option("--stock-tls", "the same as --firmware stock (no verification, no SNI)");
}

/** The firmware the flags chose; a UsageError when they disagree or this Node cannot play it. */
export function chosenFirmware(command: Command): Firmware {
  const flags = command.opts<{ firmware: Firmware; stockTls?: boolean }>();
  let firmware = flags.firmware;
  if (flags.stockTls) {
    if (command.getOptionValueSource("firmware") === "cli" && firmware !== "stock") {
      throw new UsageError(`--stock-tls means --firmware stock, not --firmware ${firmware}: give one of them`);
    }
    firmware = "stock";
  }
  const problem = firmwareProblem(firmwareTls(firmware));
  if (problem) throw new UsageError(problem);
  return firmware;
}
