// Joining Wi-Fi with a timeout and bounded retries. The build leaves this
// module out of bundles that configure no network (see "app-wifi" in
// scripts/build/bundle.ts).
import type { WifiModule } from "../typings/espruino.d.ts";
import type { CheckConfig } from "./config.ts";
import { Failure, failure } from "./failure.ts";
import type { Platform } from "./platform.ts";

/** Joins the configured network; a board without a Wifi module (wired, or the Linux build) goes on with its own. */
export function joinWifi(p: Platform, board: WifiModule | null, config: CheckConfig, log: (line: string) => void, done: (failed: Failure | null) => void): void {
  if (!board) {
    log("Wi-Fi: no Wifi module");
    return done(null);
  }
  const wifi = board;
  const settings = config.wifi!;
  const name = '"' + settings.ssid + '"';
  let attempt = 0;

  function tryOnce(): void {
    attempt++;
    log("Wi-Fi: joining " + name + ", try " + attempt);
    let finished = false;
    const timer = p.setTimeout(() => {
      finished = true;
      try {
        wifi.disconnect();
      } catch (e) {
        // not connected: nothing to undo
      }
      next("timeout");
    }, config.wifiTimeoutMs);
    function answer(err: string | null): void {
      if (finished) return;
      finished = true;
      p.clearTimeout(timer);
      if (!err) {
        log("Wi-Fi: joined, IP " + wifi.getIP().ip);
        done(null);
      } else if (/password/i.test(err)) {
        done(failure("WIFI", err, "Check the Wi-Fi password."));
      } else {
        next(err);
      }
    }
    try {
      wifi.connect(settings.ssid, { password: settings.password }, answer);
    } catch (e) {
      answer(String(e));
    }
  }

  function next(reason: string): void {
    if (attempt < config.wifiAttempts) tryOnce();
    else done(failure("WIFI", "cannot join " + name + ": " + reason));
  }

  tryOnce();
}
