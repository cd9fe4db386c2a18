// reset(), load() and save(). The first two happen once the current code
// returns (the runtime's boot); save() has no flash to write to here.
import type { GlobalScope, RuntimeServices } from "./runtime-services.ts";

export function installDeviceControl(globals: GlobalScope, runtime: RuntimeServices): void {
  globals.reset = () => runtime.requestReboot("reset");
  globals.load = (file?: unknown) => runtime.requestReboot("load", file === undefined ? undefined : String(file));
  globals.save = () => runtime.write("save() is not supported by the host runtime: use Storage (.bootcde)\n");
}
