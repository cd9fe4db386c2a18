import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as esbuild from "esbuild";
import { SourceMapConsumer } from "source-map-js";
import { BROKER_SIZE_BUDGET, buildBundle, rejected, SIZE_BUDGET, terminateBareReturns } from "../../scripts/build/bundle.ts";
import { resolveConfig } from "../../scripts/build/config.ts";
import { connectBase64 } from "../../scripts/build/embed.ts";

describe("bundle", function () {
  this.timeout(60_000);
  const now = new Date("2026-11-28T12:00:00Z");
  // An explicit empty configuration file: a developer's app.config.json must not change these tests.
  const empty = path.join(os.tmpdir(), `bundle-test-${process.pid}.json`);
  before(() => fs.writeFileSync(empty, "{}"));
  after(() => fs.rmSync(empty, { force: true }));

  it("fits the default configuration (one pinned root CA) in 10 KB and passes the gate", async () => {
    const bundle = await buildBundle(resolveConfig({ config: empty }, {}, now).config);
    assert.ok(bundle.bytes <= SIZE_BUDGET, `${bundle.bytes} bytes`);
    assert.deepEqual(bundle.problems, []);
    assert.equal(rejected(bundle), false);
  });

  it("is one function scope for the interpreter: no require shim, no 'use strict', ASCII only", async () => {
    const { code } = await buildBundle(resolveConfig({ config: empty }, {}, now).config);
    assert.ok(code.startsWith("(function(){"));
    assert.ok(code.trimEnd().endsWith("})();"));
    assert.ok(!code.includes("use strict"));
    assert.ok(!code.includes("Proxy"), "esbuild's require shim needs Proxy, which Espruino lacks");
    assert.ok(/require\(\w\)|require,/.test(code), "Espruino's own require is used");
    assert.ok(!/require\("/.test(code), 'no require("...") with a literal name: the espruino CLI would take it for a module to load');
    assert.ok(/^[\x09\x0a\x0d\x20-\x7e]*$/.test(code), "ASCII only");
  });

  it("keeps RESULT keys and Espruino API names whole while shortening its own names", async () => {
    const { code } = await buildBundle(resolveConfig({ config: empty }, {}, now).config);
    for (const name of ["cert_verified", "mem_peak", "tls_version", "clsNow", "uncaughtException", ".memory(", "setSNTP"]) {
      assert.ok(code.includes(name), name);
    }
    for (const name of ["sampleMemory", "socketError", "certVerified", "deadlineMs"]) assert.ok(!code.includes(name), name);
  });

  it("leaves the Wi-Fi join code out unless a network is configured", async () => {
    const without = await buildBundle(resolveConfig({ config: empty }, {}, now).config);
    const withWifi = await buildBundle(resolveConfig({ config: empty, wifiSsid: "Net", wifiPassword: "password123" }, {}, now).config);
    assert.ok(!without.code.includes("Wi-Fi: joining"));
    assert.ok(withWifi.code.includes("Wi-Fi: joining"));
    assert.deepEqual(withWifi.problems, []);
  });

  it("leaves the MQTT publisher and its settings out unless a broker is configured; with one it passes the gate, ASCII only", async () => {
    const base = resolveConfig({ config: empty }, {}, now).config;
    const mqtt = { host: "broker.test", port: 8883, clientId: "device-01", topic: "espruino-tls-check/device-01/result", keepAlive: 60, everyMs: 0 };
    const without = await buildBundle(base);
    const withBroker = await buildBundle({ ...base, mqtt });
    for (const text of ["MQTT", "mqtt", "8883"]) assert.ok(!without.code.includes(text), text);
    assert.ok(withBroker.code.includes("MQTT_REFUSED"));
    // The CONNECT packet, built on the host (client id, keep-alive), and the topic.
    assert.ok(withBroker.code.includes(JSON.stringify(connectBase64(mqtt))));
    assert.ok(withBroker.code.includes('"espruino-tls-check/device-01/result"'));
    assert.deepEqual(withBroker.problems, []);
    assert.ok(/^[\x09\x0a\x0d\x20-\x7e]*$/.test(withBroker.code), "ASCII only: no raw control bytes (a raw Ctrl-D ends a console upload)");
    assert.ok(!/require\("/.test(withBroker.code), 'no require("...") with a literal name');
    assert.ok(withBroker.bytes - without.bytes <= BROKER_SIZE_BUDGET, `a broker adds ${withBroker.bytes - without.bytes} bytes`);
    // The settings' own names are shortened too (nested keys are unquoted in the embedded configuration).
    for (const name of ["hello", "keepAlive", "everyMs", "clientId", "device-01\""]) assert.ok(!withBroker.code.includes(name), name);
  });

  it("comes with a source map naming the app's files, for the gate's messages", async () => {
    const bundle = await buildBundle(resolveConfig({ config: empty }, {}, now).config);
    const sources = JSON.parse(bundle.map).sources as string[];
    assert.ok(sources.includes("../app/main.ts"), sources.join());
  });

  describe("terminateBareReturns", () => {
    it("ends every bare return before a closing brace with a semicolon, and nothing else", async () => {
      const source = "export function f(g: number) { if (g) return; g++; return; }\nexport const h = (x: number) => { for (;;) if (x) return; };\nexport function k() { return 5; }\n";
      const built = await esbuild.transform(source, { loader: "ts", minify: true, format: "iife", sourcemap: "external", sourcefile: "src.ts" });
      assert.match(built.code, /return\}/, "esbuild prints `return}`");
      const { code } = terminateBareReturns(built.code, built.map);
      assert.doesNotMatch(code, /return\}/);
      assert.equal(code.replace(/return;\}/g, "return}"), built.code, "only semicolons were added");
      assert.match(code, /return 5\}/, "returns with a value are left alone");
    });

    it("keeps the source map pointing at the same source positions", async () => {
      const source = "export function f(g: number) {\n  if (g) return;\n  g++;\n}\nexport function after() {\n  return \"marker\";\n}\n";
      const built = await esbuild.transform(source, { loader: "ts", minify: true, format: "iife", sourcemap: "external", sourcefile: "src.ts" });
      const fixed = terminateBareReturns(built.code, built.map);
      const where = (code: string, map: string) => {
        const index = code.indexOf('"marker"');
        const before = code.slice(0, index).split("\n");
        return new SourceMapConsumer(JSON.parse(map)).originalPositionFor({ line: before.length, column: before[before.length - 1].length });
      };
      const original = where(built.code, built.map);
      assert.equal(original.line, 6);
      assert.deepEqual(where(fixed.code, fixed.map), original);
    });

    it("leaves a bundle with no bare return untouched", () => {
      assert.deepEqual(terminateBareReturns("var a=1;", '{"version":3,"sources":[],"mappings":""}'), { code: "var a=1;", map: '{"version":3,"sources":[],"mappings":""}' });
    });
  });
});

