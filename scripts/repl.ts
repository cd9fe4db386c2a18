// npm run repl: an interactive console on an Espruino board, through the
// official espruino CLI's terminal mode (board/repl-session.ts). What you
// type goes to the board; what the board prints comes back unchanged (its
// bytes as sent). Exit 0 when the user quits or the board goes away, 1 when
// the board cannot be reached.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Command, Option } from "commander";
import { SUGGESTED_BAUD } from "./board/port.ts";
import { HELP_KEYS, repl } from "./board/repl-session.ts";
import { wholeNumber } from "./lib/args.ts";
import { runMain } from "./lib/command.ts";

function program(): Command {
  return new Command("repl")
    .description(`An interactive console on an Espruino board, through the official espruino CLI's terminal mode.\n${HELP_KEYS}`)
    .requiredOption("--port <port>", "the board: a serial device (/dev/ttyUSB0, COM3) or tcp://HOST:PORT (a telnet console, npm run virtual-device)")
    .addOption(new Option("--baud <rate>", "serial speed in bits per second").default(SUGGESTED_BAUD).argParser(wholeNumber("--baud")))
    .option("--verbose", "also show what the espruino CLI says");
}

async function main(): Promise<number> {
  const command = program();
  command.parse();
  const flags = command.opts<{ port: string; baud: number; verbose?: boolean }>();
  return repl({ port: flags.port, baud: flags.baud, verbose: flags.verbose });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) runMain(main);
