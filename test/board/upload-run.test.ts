// What an upload does before the board is touched: the wait for RESULT
// worked out from the configuration, flags that make no sense refused before
// anything is built, a serial device that is not there named after the build
// and before the espruino CLI starts. The whole path is in test/upload.test.ts.
import assert from "node:assert/strict";
import type { AppConfig } from "../../app/config.ts";
import type { Bundle } from "../../scripts/build/bundle.ts";
import { UsageError } from "../../scripts/lib/command.ts";
import { defaultResultTimeoutMs, upload } from "../../scripts/board/upload-run.ts";
import type { UploadOutput } from "../../scripts/board/upload-output.ts";

const CONFIG: AppConfig = {
  url: "https://127.0.0.1:8443/a/check",
  ca: null,
  cert: null,
  key: null,
  wifi: null,
  wifiTimeoutMs: 20_000,
  wifiAttempts: 3,
  ntpServer: "pool.ntp.org",
  deadlineMs: 30_000,
  bodyCap: 32768,
  probe: true,
  builtAt: 0,
};

const BUNDLE: Bundle = { code: 'console.log("hi");\n', map: "", bytes: 19, problems: [] };

function failures(): { output: UploadOutput; lines: string[] } {
  const lines: string[] = [];
  const ignore = () => {};
  return { output: { out: ignore, info: ignore, warn: ignore, fail: (line) => void lines.push(line), progress: ignore }, lines };
}

describe("upload-run", () => {
  it("defaultResultTimeoutMs: the check and the probe each up to the deadline, every Wi-Fi join and the clock, and 20 s to boot", () => {
    assert.equal(defaultResultTimeoutMs(CONFIG), 2 * 30_000 + 20_000);
    assert.equal(defaultResultTimeoutMs({ ...CONFIG, probe: false }), 30_000 + 20_000);
    assert.equal(defaultResultTimeoutMs({ ...CONFIG, wifi: { ssid: "lab", password: "x" } }), 2 * 30_000 + (3 * 20_000 + 10_000) + 20_000);
  });

  it("flags that make no sense are a UsageError, before anything is built", async () => {
    let built = 0;
    const build = async () => (built++, BUNDLE);
    for (const flags of [{ port: "" }, { port: "tcp://127.0.0.1:2323", baud: 12 }, { port: "tcp://127.0.0.1:2323", timeoutMs: 999 }]) {
      await assert.rejects(upload({ ...flags, config: CONFIG, build }, failures().output), UsageError, JSON.stringify(flags));
    }
    assert.equal(built, 0);
  });

  it("a serial device that is not there: named, exit 1, after the build (the gate speaks first)", async () => {
    let built = 0;
    const { output, lines } = failures();
    const code = await upload({ port: "/dev/ttyNOPE", config: CONFIG, build: async () => (built++, BUNDLE) }, output);
    assert.equal(code, 1);
    assert.equal(built, 1);
    assert.equal(lines[0], "serial port /dev/ttyNOPE not found.");
  });
});
