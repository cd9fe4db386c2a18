// Setting the clock by SNTP before TLS, so certificate dates can be checked.
import type { WifiModule } from "../typings/espruino.d.ts";
import type { CheckConfig } from "./config.ts";
import type { Platform } from "./platform.ts";

/** How often, and how many times, to look whether SNTP has set the clock. */
const CLOCK_POLL_MS = 250;
const CLOCK_POLLS = 40;

/** Starts SNTP and waits (bounded) until the clock is past the build time. */
export function syncClock(p: Platform, wifi: WifiModule, config: CheckConfig, log: (line: string) => void, done: () => void): void {
  if (p.now() >= config.builtAt) return done();
  log("Clock: SNTP " + config.ntpServer);
  try {
    wifi.setSNTP(config.ntpServer, 0);
  } catch (e) {
    return done();
  }
  let polls = CLOCK_POLLS;
  function poll(): void {
    if (p.now() >= config.builtAt) {
      done();
    } else if (--polls > 0) {
      p.setTimeout(poll, CLOCK_POLL_MS);
    } else {
      log("Clock: not set");
      done();
    }
  }
  poll();
}
