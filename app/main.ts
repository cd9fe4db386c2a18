// The device program: configuration -> Wi-Fi -> clock -> check -> probe ->
// publish (when a broker is configured) -> report.
import type { EmbeddedConfig } from "./config.ts";
import { httpsGet, Target } from "./check.ts";
import { decoyOf } from "./decoy.ts";
import { Failure, failure } from "./failure.ts";
import { parseHowsmyssl } from "./howsmyssl.ts";
import type { Platform } from "./platform.ts";
import { CheckResult, redact, reportLines, resultLine } from "./report.ts";
import { syncClock } from "./clock.ts";
import type { joinWifi } from "./wifi.ts";
import type { startPublisher } from "./publisher.ts";

export const APP_VERSION = "0.1.0";

/**
 * Runs the check and prints the report. `join` joins Wi-Fi (null when the
 * build configured no network); `finished` receives the result (each time,
 * when the publisher checks again); `publisher` publishes it first (null when
 * the build configured no broker).
 */
export function main(
  config: EmbeddedConfig,
  p: Platform,
  join: typeof joinWifi | null,
  finished?: ((result: CheckResult) => void) | null,
  publisher?: typeof startPublisher | null,
): void {
  const secrets = [config.wifi ? config.wifi.password : "", config.key || ""];
  const log = (line: string) => p.print(redact(line, secrets));
  const firmware = p.version();
  const userAgent = "espruino-tls-check/" + APP_VERSION + " Espruino/" + firmware;
  const result: CheckResult = { url: config.url, firmware: firmware, ms: 0, memPeak: null, report: null, certVerified: null, failure: null };

  const publish = publisher && publisher(p, config, log);

  function show(): void {
    for (const line of reportLines(result)) log(line);
    log(resultLine(result));
    if (finished) finished(result);
  }

  function end(failed: Failure | null): void {
    result.failure = failed;
    result.memPeak = p.memoryPeak();
    if (publish) publish(result, show, check);
    else show();
  }

  p.sampleMemory();
  log(userAgent + " " + config.url);
  const url = p.parseUrl(config.url); // an https URL: the build checked it
  // Undefined, not null, for none: the target is tls.connect's options.
  const decode = (base64: string | null) => (base64 ? p.decode(base64) : undefined);
  const target: Target = { host: url.host, port: url.port || 443, path: url.path, ca: decode(config.ca), cert: decode(config.cert), key: decode(config.key) };

  // A second connection pinned to a decoy CA tells whether the firmware verifies at all.
  function probe(): void {
    if (!config.probe) return end(null);
    if (!target.ca) {
      result.certVerified = false;
      return end(null);
    }
    log("Probe: decoy CA");
    httpsGet(p, Object.assign({}, target, { ca: decoyOf(target.ca) }), config, userAgent, (outcome) => {
      const failed = outcome.failure;
      result.certVerified = failed ? (failed.error === "CERT_VERIFY" ? true : null) : false;
      log("Probe: " + (failed ? failed.error + " " + failed.detail : "decoy accepted"));
      end(null);
    });
  }

  function check(): void {
    log("TLS: " + target.host + ":" + target.port + (target.ca ? " pinned" : " unpinned") + (target.cert ? ", client cert" : ""));
    httpsGet(p, target, config, userAgent, (outcome) => {
      result.ms = outcome.ms;
      const response = outcome.response;
      if (!response) return end(outcome.failure);
      // JSON.stringify escapes control bytes: a server cannot drive the terminal.
      const status = "HTTP " + response.status + " " + JSON.stringify(response.reason);
      log(status);
      if (response.status !== 200) return end(failure("HTTP_STATUS", status));
      const parsed = parseHowsmyssl(response.body);
      if (typeof parsed === "string") return end(failure("BAD_RESPONSE", parsed + ": " + JSON.stringify(response.body.substr(0, 40))));
      result.report = parsed;
      probe();
    });
  }

  const wifi = p.wifi();
  const afterWifi = () => (wifi ? syncClock(p, wifi, config, log, check) : check());
  if (!join) return afterWifi();
  join(p, wifi, config, log, (failed) => (failed ? end(failed) : afterWifi()));
}
