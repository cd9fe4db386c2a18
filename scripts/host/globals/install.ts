// Espruino's globals for one session, family by family (the other files
// here), on the app's realm.
import type { RuntimeServices } from "./runtime-services.ts";
import { installDeviceControl } from "./device-control.ts";
import { installE } from "./e.ts";
import { installEncoding } from "./encoding.ts";
import { installPrint } from "./print.ts";
import { installProcess } from "./process.ts";
import { installRequire } from "./require.ts";
import { installTime } from "./time.ts";
import { installTimers } from "./timers.ts";
import { installUrl } from "./url.ts";

export function installGlobals(runtime: RuntimeServices): void {
  const globals = runtime.session.realm.context as Record<string, unknown>;
  installTimers(globals, runtime);
  installPrint(globals, runtime);
  installEncoding(globals, runtime);
  installTime(globals, runtime);
  globals.global = runtime.session.realm.globalObject;
  installUrl(globals, runtime);
  installE(globals, runtime);
  installProcess(globals, runtime);
  installDeviceControl(globals, runtime);
  installRequire(globals, runtime);
}
