// getTime() and setTime(), in seconds, over the device's clock.
import type { GlobalScope, RuntimeServices } from "./runtime-services.ts";

export function installTime(globals: GlobalScope, runtime: RuntimeServices): void {
  globals.getTime = () => runtime.clock.now().getTime() / 1000;
  globals.setTime = (seconds: unknown) => runtime.clock.set(Number(seconds));
}
