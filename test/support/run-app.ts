// Runs the device program (app/main.ts) against stubbed Espruino globals,
// to completion on a fake clock.
import assert from "node:assert/strict";
import type { ResultJson } from "../../app/result.ts";
import type { AppConfig } from "../../app/config.ts";
import { DEFAULTS } from "../../app/config.ts";
import { espruinoPlatform } from "../../app/espruino.ts";
import { main } from "../../app/main.ts";
import type { CheckResult } from "../../app/report.ts";
import { joinWifi } from "../../app/wifi.ts";
import { embeddedConfig } from "../../scripts/build/embed.ts";
import { createStub, resultOf, type Stub, type StubOptions } from "./espruino-stub.ts";

export interface AppRun {
  stub: Stub;
  /** The RESULT object printed. */
  result: ResultJson;
  /** What main() handed its `finished` callback. */
  finished: CheckResult;
}

/** A configuration with everything set, for tests. */
export function appConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return {
    ...DEFAULTS,
    url: "https://checker.test:8443/a/check",
    ca: null,
    cert: null,
    key: null,
    wifi: null,
    builtAt: Date.UTC(2026, 0, 1),
    ...overrides,
  };
}

export function runWithStub(options: StubOptions, config: AppConfig): AppRun {
  const stub = createStub(options);
  let finished: CheckResult | null = null;
  main(embeddedConfig(config), espruinoPlatform(stub.globals), config.wifi ? joinWifi : null, (result) => {
    finished = result;
  });
  stub.clock.run();
  assert.ok(finished, "the program finished:\n" + stub.output.join("\n"));
  return { stub, result: resultOf(stub.output), finished };
}
