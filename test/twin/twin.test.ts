// The app on a real Espruino Linux executable (ESPRUINO_BIN): uploaded to its
// --telnet console with `npm run upload`, against the local checker and the
// integration tests' hostile servers, all on 127.0.0.1. The expectations
// follow the firmware the executable reports: this project's host twin
// (board LINUX_TLS_TWIN, firmware/boards) verifies and refuses what the
// policy refuses; stock Espruino (board LINUX) does neither.
//
//   ESPRUINO_BIN=/path/to/espruino npm run test:twin
//
// Skipped when ESPRUINO_BIN is unset. Port 2323 must be free (see
// support/espruino-linux.ts).
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cipherSuiteName } from "../../scripts/checker/names.ts";
import { type Checker, startChecker } from "../../scripts/checker/server.ts";
import type { CheckResultJson } from "../../scripts/lib/result.ts";
import { httpResponse, howsmysslJson } from "../support/espruino-stub.ts";
import { createTestPki, startTlsServer, type TestPki, type TestServer } from "../support/tls-servers.ts";
import {
  type Firmware,
  type FirmwareInfo,
  firmwareOf,
  runScript,
  startTelnetConsole,
  type TelnetConsole,
  uncountedBytes,
} from "./support/espruino-linux.ts";
import { npmUpload, tail, type UploadRun } from "./support/upload.ts";

const BIN = process.env.ESPRUINO_BIN;
const UPLOAD_TIMEOUT_MS = 60_000;
const BLOCK_BYTES = 27; // process.memory().blocksize on the Linux build

/** The suites firmware/tls offers (ECDHE with AEAD), plus the renegotiation SCSV mbedTLS always adds. */
const ALLOWED_SUITE = /^TLS_ECDHE_(RSA|ECDSA)_WITH_(AES_(128_GCM_SHA256|256_GCM_SHA384)|CHACHA20_POLY1305_SHA256)$|^TLS_EMPTY_RENEGOTIATION_INFO_SCSV$/;
/** x25519, secp256r1, secp384r1. */
const ALLOWED_GROUPS = [0x001d, 0x0017, 0x0018];
const ECDHE_ONLY = "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256";

interface Expected {
  ok: boolean;
  error?: string;
  certVerified?: boolean;
  detail?: RegExp;
}

interface Context {
  pki: TestPki;
  caFile: string;
  otherCaFile: string;
  servers: TestServer[];
  checkers: Checker[];
}

interface Scenario {
  name: string;
  /** Starts the server; returns the URL and the CA file to pin. */
  start: (ctx: Context) => Promise<{ url: string; ca: string }>;
  expect: Record<Firmware, Expected>;
  /** Further checks on what the servers saw. */
  saw?: (ctx: Context, firmware: Firmware) => void;
}

const answer = httpResponse(howsmysslJson());
const verified: Expected = { ok: true, certVerified: true };
const unverified: Expected = { ok: true, certVerified: false };
const certVerify = (detail: RegExp): Expected => ({ ok: false, error: "CERT_VERIFY", detail });
const refused = (detail: RegExp): Expected => ({ ok: false, error: "TLS_HANDSHAKE", detail });

async function checker(ctx: Context, options: Parameters<typeof startChecker>[0] = {}): Promise<Checker> {
  const started = await startChecker({
    pki: { caPem: ctx.pki.ca.certPem, serverCertPem: ctx.pki.server.certPem, serverKeyPem: ctx.pki.server.keyPem },
    ...options,
  });
  ctx.checkers.push(started);
  return started;
}

async function tlsServer(ctx: Context, options: Omit<Parameters<typeof startTlsServer>[0], "answer">, host = "127.0.0.1"): Promise<string> {
  const server = await startTlsServer({ answer: { kind: "respond", bytes: answer }, ...options });
  ctx.servers.push(server);
  return `https://${host}:${server.port}/a/check`;
}

const scenarios: Scenario[] = [
  {
    name: "the local checker, its CA pinned",
    start: async (ctx) => ({ url: (await checker(ctx)).url, ca: ctx.caFile }),
    expect: { twin: verified, stock: unverified },
    saw: (ctx, firmware) => {
      const hellos = ctx.checkers[0].hellos;
      assert.equal(hellos.length, 2, "the check and the verification probe");
      for (const { hello } of hellos) {
        assert.equal(hello.serverName, null, "no SNI for an IP address");
        const suites = hello.cipherSuites.map((code) => cipherSuiteName(code) ?? code.toString(16));
        console.log(`      ${firmware} offers: ${suites.join(" ")}; groups ${hello.namedGroups.map((g) => g.toString(16)).join(" ") || "none"}`);
        if (firmware === "twin") {
          for (const suite of suites) assert.match(suite, ALLOWED_SUITE);
          assert.ok(hello.namedGroups.length > 0);
          for (const group of hello.namedGroups) assert.ok(ALLOWED_GROUPS.includes(group), `group 0x${group.toString(16)}`);
        } else {
          assert.ok(suites.includes("TLS_RSA_WITH_AES_256_GCM_SHA384"), "stock offers RSA key exchange");
        }
      }
    },
  },
  {
    name: "the local checker by host name (SNI)",
    start: async (ctx) => ({ url: `https://localhost:${(await checker(ctx)).port}/a/check`, ca: ctx.caFile }),
    expect: { twin: verified, stock: unverified },
    saw: (ctx, firmware) => {
      const names = ctx.checkers[0].hellos.map((observed) => observed.hello.serverName);
      assert.deepEqual(names, firmware === "twin" ? ["localhost", "localhost"] : [null, null]);
    },
  },
  {
    name: "a CA that did not sign the server pinned",
    start: async (ctx) => ({ url: (await checker(ctx)).url, ca: ctx.otherCaFile }),
    expect: { twin: certVerify(/not correctly signed by the trusted CA/), stock: unverified },
  },
  {
    name: "an expired server certificate",
    start: async (ctx) => ({ url: await tlsServer(ctx, { cert: ctx.pki.expired }), ca: ctx.caFile }),
    expect: { twin: certVerify(/validity has expired/), stock: unverified },
  },
  {
    name: "a server certificate not valid yet",
    start: async (ctx) => ({ url: await tlsServer(ctx, { cert: ctx.pki.notYetValid }), ca: ctx.caFile }),
    expect: { twin: certVerify(/validity starts in the future/), stock: unverified },
  },
  {
    name: "a certificate for another host name",
    start: async (ctx) => ({ url: await tlsServer(ctx, { cert: ctx.pki.wrongName }, "localhost"), ca: ctx.caFile }),
    expect: { twin: certVerify(/Common Name \(CN\) does not match/), stock: unverified },
  },
  {
    name: "a server that speaks only ECDHE (TLS 1.2)",
    start: async (ctx) => ({ url: await tlsServer(ctx, { cert: ctx.pki.server, ciphers: ECDHE_ONLY, maxVersion: "TLSv1.2" }), ca: ctx.caFile }),
    expect: { twin: verified, stock: refused(/0x7780/) },
  },
  {
    name: "a server limited to TLS 1.0 and 1.1",
    start: async (ctx) => ({
      url: await tlsServer(ctx, { cert: ctx.pki.server, minVersion: "TLSv1", maxVersion: "TLSv1.1", ciphers: "DEFAULT:@SECLEVEL=0" }),
      ca: ctx.caFile,
    }),
    expect: { twin: refused(/mbedtls_ssl_handshake returned/), stock: refused(/mbedtls_ssl_handshake returned/) },
  },
  {
    name: "a server that offers only RSA key exchange",
    start: async (ctx) => ({
      url: await tlsServer(ctx, { cert: ctx.pki.server, maxVersion: "TLSv1.2", ciphers: "AES128-GCM-SHA256:AES256-GCM-SHA384" }),
      ca: ctx.caFile,
    }),
    expect: { twin: refused(/0x7780/), stock: unverified },
  },
];

/** A memory figure in blocks and KB, plus what the twin's allocator had to take from outside the store. */
function describePeak(blocks: number, uncounted: number): string {
  const kb = (bytes: number) => (bytes / 1024).toFixed(1) + " KB";
  return `${String(blocks).padStart(5)} blocks (${kb(blocks * BLOCK_BYTES)})` +
    (uncounted ? ` + ${kb(uncounted)} of mbedTLS buffers from the C heap, not counted` : "");
}

function check(run: UploadRun, expected: Expected, espruino: TelnetConsole): CheckResultJson {
  const where = `\n--- npm run upload (exit ${run.code}, ${run.ms} ms${run.timedOut ? ", timed out" : ""}):\n${tail(run.output)}` +
    (espruino.alive() ? "" : `\n--- Espruino exited:\n${tail(espruino.output())}`);
  const result = run.result;
  assert.ok(result, "no RESULT line" + where);
  assert.equal(result.ok, expected.ok, JSON.stringify(result) + where);
  assert.equal(run.code, expected.ok ? 0 : 2, "exit code" + where);
  if (expected.error !== undefined) assert.equal(result.error, expected.error, JSON.stringify(result) + where);
  if (expected.detail) assert.match(String(result.detail), expected.detail, JSON.stringify(result));
  if (expected.certVerified !== undefined) assert.equal(result.cert_verified, expected.certVerified, JSON.stringify(result));
  return result;
}

describe("twin: the bundle on an Espruino Linux executable (ESPRUINO_BIN)", function () {
  this.timeout(UPLOAD_TIMEOUT_MS + 30_000);
  let info: FirmwareInfo;
  let dir: string;
  let ctx: Context;
  let espruino: TelnetConsole | null = null;
  const peaks: Array<{ name: string; blocks: number; uncounted: number; ms: number }> = [];

  before(async function () {
    if (!BIN) {
      console.log("    twin tests skipped: set ESPRUINO_BIN to an Espruino Linux executable, e.g.\n" +
        "      ESPRUINO_BIN=/path/to/espruino npm run test:twin\n" +
        "    (a build of the LINUX_TLS_TWIN board in firmware/boards, or stock Espruino for comparison)");
      this.skip();
    }
    info = await firmwareOf(BIN);
    console.log(`    ${BIN}: Espruino ${info.version}, board ${info.board} (${info.firmware === "twin" ? "this project's host twin" : "stock"})`);
    dir = await mkdtemp(join(tmpdir(), "twin-test-"));
    const pki = await createTestPki();
    const caFile = join(dir, "ca.pem");
    const otherCaFile = join(dir, "other-ca.pem");
    await writeFile(caFile, pki.ca.certPem);
    await writeFile(otherCaFile, pki.otherCa.certPem);
    ctx = { pki, caFile, otherCaFile, servers: [], checkers: [] };
  });

  // A fresh Espruino per test: a crash stays with its test, and Storage starts empty.
  beforeEach(async function () {
    if (!BIN) this.skip();
    espruino = await startTelnetConsole(BIN);
  });

  afterEach(async () => {
    await espruino?.stop();
    espruino = null;
    if (!ctx) return;
    await Promise.all([...ctx.servers.map((s) => s.close()), ...ctx.checkers.map((c) => c.close())]);
    ctx.servers = [];
    ctx.checkers = [];
  });

  after(async () => {
    await espruino?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
    if (peaks.length) {
      console.log(`    peak memory of one check (the app's mem_peak, blocks of ${BLOCK_BYTES} bytes) on ${info.board}:`);
      for (const peak of peaks) console.log(`      ${describePeak(peak.blocks, peak.uncounted)}, upload+run ${peak.ms} ms: ${peak.name}`);
    }
  });

  for (const scenario of scenarios) {
    it(scenario.name, async function () {
      const { url, ca } = await scenario.start(ctx);
      const expected = scenario.expect[info.firmware];
      const run = await npmUpload(["--port", espruino!.port, "--url", url, "--ca", ca], UPLOAD_TIMEOUT_MS);
      const result = check(run, expected, espruino!);
      const uncounted = uncountedBytes(espruino!.errors());
      if (typeof result.mem_peak === "number") peaks.push({ name: scenario.name, blocks: result.mem_peak, uncounted, ms: run.ms });
      console.log(`      ${JSON.stringify({ ok: result.ok, error: result.error, cert_verified: result.cert_verified, detail: result.detail })}`);
      scenario.saw?.(ctx, info.firmware);
    });
  }
});

// Socket events that the app's result cannot show, from a script run
// directly (`$ESPRUINO_BIN script.js`).
describe("twin: socket events of a script run directly (ESPRUINO_BIN)", function () {
  this.timeout(30_000);
  let info: FirmwareInfo;
  let pki: TestPki;

  before(async function () {
    if (!BIN) this.skip();
    info = await firmwareOf(BIN);
    pki = await createTestPki();
  });

  it("a server's close_notify: a clean end on the twin, error -0x7880 on stock", async () => {
    const response = httpResponse('{"tls_version":"TLS 1.2"}', "200 OK", []);
    const server = await startTlsServer({ cert: pki.server, answer: { kind: "respond", bytes: response } });
    try {
      const der = pki.ca.certPem.replace(/-----[^-]+-----|\s/g, "");
      const script =
        "var peak=0,s;function mem(){var u=process.memory().usage;if(u>peak)peak=u;}" +
        "function ev(t){mem();console.log('EV '+t);}" +
        `var o=url.parse("https://127.0.0.1:${server.port}/a/check");o.ca=atob("${der}");` +
        "process.on('uncaughtException',function(e){ev('uncaught '+e.message);});" +
        "s=require('tls').connect(o,function(){mem();s.write('GET /a/check HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nConnection: close\\r\\n\\r\\n');});" +
        "mem();" +
        "s.on('data',function(d){ev('data '+d.length);});s.on('end',function(){ev('end');});" +
        "s.on('error',function(e){ev('error '+e.code);});" +
        "s.on('close',function(h){ev('close '+h);console.log('PEAK '+peak);});\n";
      const run = await runScript(BIN!, script, 20_000);
      // Lines printed while the console is idle start with a prompt and an erase sequence.
      const events = run.stdout.split("\n").filter((line) => line.includes("EV ")).map((line) => line.slice(line.indexOf("EV ")).trim());
      const peak = Number(/PEAK (\d+)/.exec(run.stdout)?.[1]);
      console.log(`      events: ${events.join(", ")}; peak ${describePeak(peak, uncountedBytes(run.stderr))} (process.memory() on each event)`);
      assert.equal(run.timedOut, false, run.stdout);
      const closing = events.filter((line) => !line.startsWith("EV data"));
      assert.deepEqual(closing, info.firmware === "twin" ? ["EV end", "EV close false"] : ["EV error -30848", "EV end", "EV close true"], run.stdout);
      assert.equal(events[0], `EV data ${response.length}`);
      assert.deepEqual(server.serverNames, [false]);
    } finally {
      await server.close();
    }
  });
});
