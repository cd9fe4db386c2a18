// print, console.log and its siblings (all print the same way), and echo().
import { formatPrintArgs } from "../format.ts";
import type { GlobalScope, RuntimeServices } from "./runtime-services.ts";

export function installPrint(globals: GlobalScope, runtime: RuntimeServices): void {
  const print = (...args: unknown[]): void => {
    runtime.write(formatPrintArgs(args) + "\n");
  };
  globals.print = print;
  globals.console = runtime.session.helpers.object({ log: print, debug: print, info: print, warn: print, error: print });
  globals.echo = (on: unknown) => runtime.options.onEcho?.(Boolean(on));
}
