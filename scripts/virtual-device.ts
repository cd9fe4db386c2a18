// npm run virtual-device -- [--listen 127.0.0.1:2323] [--firmware wolfssl|mbedtls|stock] [--storage FILE]
// The host runtime served as an Espruino console over TCP, for the espruino
// CLI (`espruino --no-ble -p tcp://127.0.0.1:2323 ...`): upload and REPL
// without hardware. Listens on loopback unless told otherwise.
import { Command, InvalidArgumentError, Option } from "commander";
import pc from "picocolors";
import { startVirtualDevice } from "./host/device.ts";
import { stopProbe } from "./host/probe.ts";
import { listenFailure } from "./lib/listen.ts";
import { type Firmware, firmwareTls } from "./host/firmware.ts";
import { addFirmwareOptions, chosenFirmware } from "./host/firmware-option.ts";

interface Listen {
  host: string;
  port: number;
}

function parseListen(value: string): Listen {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(value) ?? /^()()(\d+)$/.exec(value);
  if (!match) throw new InvalidArgumentError("expected HOST:PORT, e.g. 127.0.0.1:2323");
  const port = Number(match[3]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError("the port must be 0..65535");
  return { host: match[1] || match[2] || "127.0.0.1", port };
}

const program = addFirmwareOptions(new Command())
  .name("npm run virtual-device --")
  .description(
    "Serve the host runtime as an Espruino console over TCP, so that the espruino CLI can upload to it and run a REPL on it " +
      "(e.g. espruino --no-ble -p tcp://127.0.0.1:2323 -e 'print(1+2)').",
  )
  .addOption(
    new Option("--listen <host:port>", "address to listen on (loopback unless you say otherwise)")
      .argParser(parseListen)
      .default({ host: "127.0.0.1", port: 2323 }, "127.0.0.1:2323"),
  )
  .option("--no-tls", "behave like firmware built without TLS: require(\"tls\") fails (the check reports NO_TLS)")
  .option("--storage <file>", "keep the device's Storage in this JSON file across runs (default: in memory only)")
  .option("-v, --verbose", "also show what the device prints")
  .action(async (options: { listen: Listen; tls: boolean; storage?: string; verbose?: boolean }, command: Command) => {
    const say = (text: string): void => void process.stderr.write(text + "\n");
    let device;
    let firmware: Firmware;
    try {
      firmware = chosenFirmware(command);
    } catch (error) {
      say(pc.red(`error: ${(error as Error).message}`));
      process.exitCode = 1;
      return;
    }
    try {
      device = await startVirtualDevice({
        host: options.listen.host,
        port: options.listen.port,
        firmware,
        noTls: options.tls === false,
        storageFile: options.storage,
        onOutput: options.verbose ? (text) => void process.stdout.write(text) : undefined,
        log: (event, detail) => {
          if (event === "listening") {
            say(pc.green(`virtual device listening on ${detail}`) + pc.dim(` (${options.tls ? firmwareTls(firmware).title : "no TLS"})`));
            say(`connect with: npx espruino --no-ble -p ${detail}`);
          } else if (event === "connected") say(pc.cyan(`client connected from ${detail}`));
          else if (event === "disconnected") say(pc.dim(`client ${detail} disconnected`));
          else say(pc.yellow(`refused ${detail}: another client is connected`));
        },
      });
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      const reason =
        listenFailure(e, options.listen.host, options.listen.port, { hostFlag: "--listen", portFlag: "--listen" }) ??
        (e instanceof SyntaxError ? `--storage: the storage file is not valid JSON: ${e.message}` : `cannot start the virtual device: ${e.message ?? String(e)}`);
      say(pc.red(`error: ${reason}`));
      process.exitCode = 1;
      return;
    }
    if (options.listen.host !== "127.0.0.1" && options.listen.host !== "localhost" && options.listen.host !== "::1") {
      say(pc.yellow(`warning: listening on ${options.listen.host}: anyone who can reach it can run code here`));
    }
    const stop = async (): Promise<void> => {
      await device.close();
      await stopProbe();
      process.exit(0);
    };
    process.once("SIGINT", () => void stop());
    process.once("SIGTERM", () => void stop());
  });

await program.parseAsync();
