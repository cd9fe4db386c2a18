// npm run virtual-device -- [--listen 127.0.0.1:2323 | --tty PATH] [--firmware wolfssl|mbedtls|stock] [--storage FILE]
// The host runtime served as an Espruino console over TCP, for the espruino
// CLI (`espruino --no-ble -p tcp://127.0.0.1:2323 ...`): upload and REPL
// without hardware. Listens on loopback unless told otherwise. With --tty it
// serves the console on a terminal instead, like a board's serial port (the
// serial bench: docs/serial.md).
import { Command, InvalidArgumentError, Option } from "commander";
import pc from "picocolors";
import { startVirtualDevice } from "./host/device.ts";
import { stopBlockingConnects } from "./host/blocking-connect.ts";
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

/** Why a terminal could not be served; `otherwise` for problems that are not about the terminal. */
function ttyProblem(error: NodeJS.ErrnoException, otherwise: string): string {
  switch (error.code) {
    case "ENOENT":
      return "no such file (is socat, or the board's adapter, still there?)";
    case "EACCES":
    case "EPERM":
      return "permission denied (on Linux, serial ports belong to the 'dialout' group)";
    case "ENOTTY":
      return "not a terminal: give a serial port or one end of a pseudo-terminal pair";
    case "EIO":
      return "input/output error (a pseudo-terminal whose other end is gone?)";
    case "EBUSY":
      return "busy: another program opened it for exclusive use";
    default:
      return otherwise;
  }
}

const program = addFirmwareOptions(new Command())
  .name("npm run virtual-device --")
  .description(
    "Serve the host runtime as an Espruino console over TCP (or on a terminal, --tty), so that the espruino CLI can upload to it and run a REPL on it " +
      "(e.g. espruino --no-ble -p tcp://127.0.0.1:2323 -e 'print(1+2)').",
  )
  .addOption(
    new Option("--listen <host:port>", "address to listen on (loopback unless you say otherwise)")
      .argParser(parseListen)
      .default({ host: "127.0.0.1", port: 2323 }, "127.0.0.1:2323"),
  )
  .addOption(
    new Option("--tty <path>", "serve the console on this terminal instead, like a board's serial port (one end of a pseudo-terminal pair: docs/serial.md)").conflicts(
      "listen",
    ),
  )
  .option("--no-tls", "behave like firmware built without TLS: require(\"tls\") fails (the check reports NO_TLS)")
  .option("--storage <file>", "keep the device's Storage in this JSON file across runs (default: in memory only)")
  .option("-v, --verbose", "also show what the device prints")
  .action(async (options: { listen: Listen; tty?: string; tls: boolean; storage?: string; verbose?: boolean }, command: Command) => {
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
        tty: options.tty,
        firmware,
        noTls: options.tls === false,
        storageFile: options.storage,
        onOutput: options.verbose ? (text) => void process.stdout.write(text) : undefined,
        log: (event, detail) => {
          if (event === "listening") {
            say(pc.green(`virtual device listening on ${detail}`) + pc.dim(` (${options.tls ? firmwareTls(firmware).title : "no TLS"})`));
            say(options.tty ? "connect to the line's other end: npm run repl -- --port <its path> (docs/serial.md)" : `connect with: npx espruino --no-ble -p ${detail}`);
          } else if (event === "connected") say(pc.cyan(`client connected from ${detail}`));
          else if (event === "disconnected") say(pc.dim(`client ${detail} disconnected`));
          else if (event === "hangup") {
            say(pc.dim(`${detail} closed at its other end: the device has no line left, stopping`));
            void stop();
          } else say(pc.yellow(`refused ${detail}: another client is connected`));
        },
      });
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      const reason =
        options.tty !== undefined
          ? `--tty ${options.tty}: ${ttyProblem(e, e.message ?? String(e))}`
          : (listenFailure(e, options.listen.host, options.listen.port, { hostFlag: "--listen", portFlag: "--listen" }) ??
            (e instanceof SyntaxError ? `--storage: the storage file is not valid JSON: ${e.message}` : `cannot start the virtual device: ${e.message ?? String(e)}`));
      say(pc.red(`error: ${reason}`));
      process.exitCode = 1;
      return;
    }
    if (!options.tty && options.listen.host !== "127.0.0.1" && options.listen.host !== "localhost" && options.listen.host !== "::1") {
      say(pc.yellow(`warning: listening on ${options.listen.host}: anyone who can reach it can run code here`));
    }
    const stop = async (): Promise<void> => {
      await device.close();
      await stopBlockingConnects();
      process.exit(0);
    };
    process.once("SIGINT", () => void stop());
    process.once("SIGTERM", () => void stop());
  });

await program.parseAsync();
