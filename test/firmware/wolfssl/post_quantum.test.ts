// The wolfSSL backend with the hybrid post-quantum group X25519MLKEM768, on a
// wolfSSL 5.8+ named by WOLFSSL_PQ_DIR (built by hand outside the repository;
// Debian 12's 5.5.4 has no ML-KEM). Skipped, with a banner saying why and how
// to run them, when WOLFSSL_PQ_DIR is unset; the handshakes also need a Node
// whose OpenSSL has the group (Node 24) for the server side.
//
//   WOLFSSL_PQ_DIR=/path/to/wolfssl npm run test:firmware
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type Fixtures, makeFixtures } from "../support/fixtures.ts";
import { assertVerifyFailure, CLEAN_EVENTS, withServer } from "../support/handshakes.ts";
import { derRequest, REASON, runHarness } from "../support/harness.ts";
import { BODY, captureHelloBytes, HYBRID_ONLY, hybridServerAvailable, keyShareGroups } from "../support/servers.ts";
import { PQ_DIR, requireHybridServer, requireWolfsslPq, WOLFSSL_DIR, type WolfsslBuilt } from "../support/toolchain.ts";

const X25519MLKEM768 = 0x11ec;
const X25519 = 0x001d;
const SECP256R1 = 0x0017;
/** The TCP payload of one segment at the ESP32's usual lwIP MSS. */
const ONE_SEGMENT = 1436;
/** The memory budget: 60 % of one connection on the mbedTLS twin (41 KB, docs/measurements.md). */
const HEAP_BUDGET = 0.6 * 41 * 1024;

describe("firmware wolfSSL backend: post-quantum (WOLFSSL_PQ_DIR)", function () {
  let built: WolfsslBuilt;
  let pki: Fixtures;
  /** Whether WOLFSSL_PQ_DIR was built with this repository's user_settings.h. */
  let firmwareSettings = false;

  before(async function () {
    built = await requireWolfsslPq(this);
    pki = await makeFixtures();
    const ours = await readFile(join(WOLFSSL_DIR, "user_settings.h"), "utf8");
    firmwareSettings = await readFile(join(PQ_DIR!, "include/user_settings.h"), "utf8").then((s) => s === ours, () => false);
    console.log(`      wolfSSL ${built.version} from ${PQ_DIR}${firmwareSettings ? ", built with firmware/wolfssl/user_settings.h" : ""}`);
  });

  after(async () => {
    await pki?.cleanup();
  });

  it("offers X25519MLKEM768 first, with its key share, then X25519 and P-256, in one TCP segment", async () => {
    const { hello, bytes } = await captureHelloBytes((port) => runHarness(built.harness, derRequest({ host: "localhost", port, ca: pki.ca })));
    console.log(`      ClientHello: ${bytes.length} bytes; groups ${hello.namedGroups.map((g) => `0x${g.toString(16)}`).join(" ")}`);
    assert.deepEqual(hello.namedGroups, [X25519MLKEM768, X25519, SECP256R1]);
    assert.deepEqual(keyShareGroups(bytes), [X25519MLKEM768]);
    assert.deepEqual(hello.supportedVersions, [0x0304, 0x0303]);
    assert.equal(hello.serverName, "localhost");
    assert.ok(bytes.length <= ONE_SEGMENT, `ClientHello of ${bytes.length} bytes`);
  });

  describe("against a server that accepts only X25519MLKEM768", () => {
    before(function () {
      requireHybridServer(this, hybridServerAvailable());
    });

    it("negotiates the hybrid group in TLS 1.3, verifies the server and reads the answer up to a clean close", async () => {
      await withServer(pki.server, HYBRID_ONLY, async (server) => {
        const report = await runHarness(built.harness, derRequest({ host: "localhost", port: server.port, ca: pki.ca }));
        console.log(`      ${report.version} ${report.suite} ${report.group}; wolfSSL heap peak ${report.heap_peak} bytes`);
        assert.equal(report.ok, true, JSON.stringify(report));
        assert.equal(report.version, "TLSv1.3");
        assert.equal(report.group, "X25519MLKEM768");
        assert.equal(report.cert_verified, true);
        assert.deepEqual(report.events, CLEAN_EVENTS);
        assert.ok(report.data.endsWith(BODY));
        assert.deepEqual(server.servernames, ["localhost"]);
        if (firmwareSettings) assert.ok((report.heap_peak ?? Infinity) <= HEAP_BUDGET, `heap peak ${report.heap_peak} bytes`);
      });
    });

    it("does the same when every read and write moves one byte", async () => {
      await withServer(pki.server, HYBRID_ONLY, async (server) => {
        const report = await runHarness(built.harness, derRequest({ host: "127.0.0.1", port: server.port, ca: pki.ca, ioPiece: 1 }));
        assert.equal(report.ok, true, JSON.stringify(report));
        assert.equal(report.group, "X25519MLKEM768");
        assert.equal(report.sni, null);
        assert.deepEqual(report.events, CLEAN_EVENTS);
      });
    });

    it("still refuses a certificate from another CA", async () => {
      await withServer(pki.server, HYBRID_ONLY, async (server) => {
        assertVerifyFailure(await runHarness(built.harness, derRequest({ host: "localhost", port: server.port, ca: pki.otherCa })), REASON.notTrusted);
      });
    });
  });

  it("falls back to X25519 when a TLS 1.3 server has no post-quantum group (HelloRetryRequest)", async () => {
    await withServer(pki.server, { ecdhCurve: "X25519", minVersion: "TLSv1.3" }, async (server) => {
      const report = await runHarness(built.harness, derRequest({ host: "localhost", port: server.port, ca: pki.ca }));
      assert.equal(report.ok, true, JSON.stringify(report));
      assert.equal(report.group, "X25519");
      assert.equal(report.version, "TLSv1.3");
    });
  });

  it("reaches a TLS 1.2 server with ECDHE", async () => {
    await withServer(pki.server, { maxVersion: "TLSv1.2", ciphers: "ECDHE-RSA-AES128-GCM-SHA256" }, async (server) => {
      const report = await runHarness(built.harness, derRequest({ host: "localhost", port: server.port, ca: pki.ca }));
      assert.equal(report.ok, true, JSON.stringify(report));
      assert.equal(report.version, "TLSv1.2");
    });
  });
});
