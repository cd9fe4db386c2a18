import assert from "node:assert/strict";
import fc from "fast-check";
import { HANDSHAKE_ERROR_GRACE_MS } from "../../app/connection.ts";
import type { AppConfig, CheckConfig } from "../../app/config.ts";
import { decoyOf } from "../../app/decoy.ts";
import { espruinoPlatform } from "../../app/espruino.ts";
import { main } from "../../app/main.ts";
import type { CheckResult } from "../../app/report.ts";
import { joinWifi } from "../../app/wifi.ts";
import { chunkedResponse, createStub, howsmysslJson, httpResponse, resultOf, ServerScript, StubOptions } from "../support/espruino-stub.ts";
import { withEspruinoStrings } from "../support/espruino-quirks.ts";
import { appConfig, runWithStub } from "../support/run-app.ts";

/** How this project's firmware reports a verification failure (firmware/tls/tls_policy_cert.c). */
const verifyError = (reason: string) => `mbedtls_x509_crt_verify: ${reason} (mbedtls_ssl_handshake returned -0x2700)`;

// Any DER-shaped certificate will do for the stub: it never parses them.
const CA_B64 = Buffer.from(
  "3082010a3082010502010130000400300f310d300b06035504030c0443414341300000300f310d300b06035504030c0443414341",
  "hex",
).toString("base64");

function config(overrides: Partial<AppConfig> = {}): CheckConfig {
  return appConfig({ ca: CA_B64, ...overrides });
}

function run(options: StubOptions, overrides: Partial<AppConfig> = {}) {
  return runWithStub(options, config(overrides));
}

const answer = httpResponse(howsmysslJson());
const okServer: ServerScript = { response: answer };

/** The project firmware: the probe's decoy CA makes verification fail. */
function verifyingServer(script: ServerScript): StubOptions["server"] {
  return (options, index) =>
    index === 0 ? script : { handshakeError: verifyError("The certificate is not correctly signed by the trusted CA") };
}

describe("main (device program against stubbed Espruino)", () => {
  describe("a successful check", () => {
    it("reports the answer, and verification when the firmware refuses the decoy CA", () => {
      const { stub, result } = run({ server: verifyingServer(okServer) });
      assert.equal(result.ok, true);
      assert.equal(result.tls_version, "TLS 1.2");
      assert.equal(result.rating, "Improvable");
      assert.equal(result.suites_offered, 2);
      assert.equal(result.cert_verified, true);
      assert.equal(result.url, "https://checker.test:8443/a/check");
      assert.equal(result.firmware, "2v29-stub");
      assert.equal(typeof result.ms, "number");
      assert.ok((result.mem_peak as number) > 1500, "peak memory includes the TLS context");
      assert.match(stub.output[stub.output.length - 1], /^RESULT /, "RESULT is the last line");
      assert.ok(!stub.output.some((line) => line.startsWith("WARNING")));
    });

    it("sends one HTTP/1.1 GET with Host, User-Agent and Connection: close", () => {
      const { stub } = run({ server: verifyingServer(okServer) });
      assert.equal(
        stub.sockets[0].written,
        "GET /a/check HTTP/1.1\r\nHost: checker.test:8443\r\nUser-Agent: espruino-tls-check/0.1.0 Espruino/2v29-stub\r\nConnection: close\r\n\r\n",
      );
      assert.equal(stub.sockets[0].options.host, "checker.test");
      assert.equal(stub.sockets[0].options.port, 8443);
    });

    it("passes the pinned CA decoded, and probes with its decoy", () => {
      const { stub } = run({ server: verifyingServer(okServer) });
      const ca = Buffer.from(CA_B64, "base64").toString("latin1");
      assert.equal(stub.sockets[0].options.ca, ca);
      assert.equal(stub.sockets[1].options.ca, decoyOf(ca));
      assert.equal(stub.sockets[0].options.cert, undefined);
    });

    it("presents the client certificate and key for mutual TLS", () => {
      const { stub, result } = run({ server: verifyingServer(okServer) }, { cert: "Y2VydA==", key: "a2V5S0VZa2V5" });
      assert.equal(result.ok, true);
      assert.equal(stub.sockets[0].options.cert, "cert");
      assert.equal(stub.sockets[0].options.key, "keyKEYkey");
    });

    it("on stock firmware: takes close_notify-as-error as the end, and warns that the decoy was accepted", () => {
      const { stub, result } = run({ firmware: "stock", server: okServer });
      assert.equal(result.ok, true);
      assert.equal(result.cert_verified, false);
      assert.ok(stub.output.some((line) => line.startsWith("WARNING: server NOT authenticated")));
    });

    it("with no CA pinned: no probe, cert_verified false and the warning", () => {
      const { stub, result } = run({ server: okServer }, { ca: null });
      assert.equal(result.cert_verified, false);
      assert.equal(stub.sockets.length, 1);
      assert.equal(stub.sockets[0].options.ca, undefined);
    });

    it("with the probe switched off: cert_verified null and one connection", () => {
      const { stub, result } = run({ server: okServer }, { probe: false });
      assert.equal(result.cert_verified, null);
      assert.equal(stub.sockets.length, 1);
    });

    it("calls the probe inconclusive when it fails for another reason", () => {
      const { result } = run({ server: (options, index) => (index === 0 ? okServer : { throws: "Unable to create socket" }) });
      assert.equal(result.ok, true);
      assert.equal(result.cert_verified, null);
    });

    it("reads chunked answers", () => {
      const { result } = run({ server: verifyingServer({ response: chunkedResponse(howsmysslJson(), 37) }) });
      assert.equal(result.ok, true);
    });

    it("reads answers split at every point", () => {
      for (let cut = 1; cut < answer.length; cut++) {
        const { result } = run({ server: verifyingServer({ response: answer, chunks: [cut] }) });
        assert.equal(result.ok, true, "cut at " + cut);
      }
    });

    it("reads answers however they are chunked (property)", () => {
      const body = chunkedResponse(howsmysslJson({ given_named_groups: ["x25519".repeat(20)] }), 53);
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 1, max: 120 }), { maxLength: 30 }), (chunks) => {
          const { result } = run({ firmware: "stock", server: { response: body, chunks } });
          return result.ok === true;
        }),
        { numRuns: 60 },
      );
    });

    it("defragments memory before each TLS connection", () => {
      const { stub } = run({ server: verifyingServer(okServer) });
      assert.equal(stub.defrags, 2, "the check and the probe");
    });

    it("ends the connection once the answer is complete", () => {
      const { stub } = run({ server: verifyingServer({ response: answer, ending: "stall" }) });
      assert.equal(stub.sockets[0].closed, true);
    });
  });

  describe("failures", () => {
    const cases: Array<[string, StubOptions, string, RegExp?]> = [
      ["DNS", { server: { throws: "Unable to locate host" } }, "DNS"],
      ["refused", { server: { throws: "Unable to create socket" } }, "REFUSED"],
      ["no tls module", { server: okServer, noTls: true }, "NO_TLS", /tls not found/],
      ["an unparseable certificate", { server: { throws: "HTTPS init failed! mbedtls_x509_crt_parse of 'ca': Invalid format" } }, "CONFIG"],
      ["no shared cipher (ECDHE-only server, stock firmware)", { firmware: "stock", server: { handshakeError: "mbedtls_ssl_handshake returned -0x7780" } }, "TLS_HANDSHAKE", /-0x7780/],
      ["not TLS", { server: { handshakeError: "mbedtls_ssl_handshake returned -0x7200" } }, "TLS_HANDSHAKE", /-0x7200/],
      ["wrong CA", { server: { handshakeError: verifyError("The certificate is not correctly signed by the trusted CA") } }, "CERT_VERIFY", /not correctly signed/],
      ["expired", { server: { handshakeError: verifyError("The certificate validity has expired") } }, "CERT_VERIFY", /expired/],
      ["HTTP 500", { server: { response: httpResponse("oops", "500 Internal Server Error") } }, "HTTP_STATUS", /HTTP 500 "Internal Server Error"/],
      ["control bytes in the reason", { server: { response: httpResponse("x", "503 \u001b[2JGone") } }, "HTTP_STATUS", /HTTP 503 "\\u001b\[2JGone"/],
      ["not JSON", { server: { response: httpResponse("<html>hello</html>") } }, "BAD_RESPONSE", /not JSON: "<html>hello<\/html>"/],
      ["JSON but not howsmyssl", { server: { response: httpResponse('{"hello":1}') } }, "BAD_RESPONSE", /not a howsmyssl answer/],
      ["a bad status line", { server: { response: "SSH-2.0-OpenSSH\r\n\r\n" } }, "BAD_RESPONSE", /bad status line/],
      ["a truncated body", { server: { response: answer.slice(0, -20), ending: "fin" } }, "BAD_RESPONSE", /truncated/],
      ["an oversize body", { server: { response: httpResponse("x".repeat(40000)) } }, "TOO_LARGE", /32768/],
      ["a server that stalls after the handshake", { server: { response: "", ending: "stall" } }, "TIMEOUT", /30 s, 0 bytes/],
      ["a silent server that never completes the handshake", { server: { silent: true } }, "TIMEOUT"],
      ["a slow server that stops midway", { server: { response: answer.slice(0, 60), ending: "stall" } }, "TIMEOUT", /60 bytes/],
    ];
    for (const [name, options, code, detail] of cases) {
      it(name, () => {
        const { stub, result } = run(options);
        assert.equal(result.ok, false);
        assert.equal(result.error, code);
        assert.equal(typeof result.hint, "string");
        if (detail) assert.match(String(result.detail), detail);
        assert.equal(stub.sockets.filter((socket) => !socket.closed).length, 0, "no socket left open");
        assert.ok(stub.unhandled.length === 0, "every uncaught error was handled: " + stub.unhandled.join());
        assert.equal(stub.output.filter((line) => line.startsWith("RESULT ")).length, 1);
      });
    }

    it("times out at the deadline, closing a socket whose handshake never finished", () => {
      const { stub, finished } = run({ server: { silent: true } }, { deadlineMs: 5000 });
      assert.equal(finished.failure?.error, "TIMEOUT");
      assert.ok(finished.ms >= 5000 && finished.ms < 5100, String(finished.ms));
      assert.equal(stub.sockets[0].closed, true, "clsNow dropped the stuck socket");
    });

    it("waits for the uncaught handshake error that follows the close", () => {
      const { finished } = run({ server: { handshakeError: "mbedtls_ssl_handshake returned -0x7780", handshakeMs: 10 } });
      assert.equal(finished.failure?.error, "TLS_HANDSHAKE");
      assert.ok(finished.ms < 10 + HANDSHAKE_ERROR_GRACE_MS, "settled when the error came, not at the grace timeout");
    });

    it("classifies a close with no reason after the grace period", () => {
      const stub = createStub({ server: { handshakeError: "ignored" } });
      stub.globals.process.on = () => {}; // a platform that never reports the uncaught error
      let finished: CheckResult | null = null;
      main(config(), espruinoPlatform(stub.globals), null, (result) => (finished = result));
      stub.clock.run();
      assert.equal(finished!.failure?.error, "TLS_HANDSHAKE");
      assert.match(finished!.failure!.detail, /unsent data/);
    });
  });

  describe("Wi-Fi and clock", () => {
    const wifi = { ssid: "Home Net", password: "correct horse battery" };

    it("joins Wi-Fi, then checks", () => {
      const { stub, result } = run({ server: verifyingServer(okServer), wifi: { attempts: ["ok"] } }, { wifi });
      assert.equal(result.ok, true);
      assert.deepEqual(stub.wifiCalls, [{ ssid: "Home Net", password: "correct horse battery" }]);
      assert.ok(stub.output.some((line) => line.includes("Wi-Fi: joined")));
    });

    it("retries a join that times out, within the attempt limit", () => {
      const { stub, result, finished } = run({ server: okServer, wifi: { attempts: ["timeout", "timeout", "timeout"] } }, { wifi, wifiAttempts: 3, wifiTimeoutMs: 1000 });
      assert.equal(result.error, "WIFI");
      assert.equal(stub.wifiCalls.length, 3);
      assert.equal(stub.sockets.length, 0);
      assert.ok(finished.failure!.detail.includes('"Home Net"'));
    });

    it("succeeds on a later attempt", () => {
      const { result } = run({ server: okServer, wifi: { attempts: ["timeout", "ok"] } }, { wifi, probe: false });
      assert.equal(result.ok, true);
    });

    it("stops at a wrong password and never prints the password", () => {
      const { stub, result } = run({ server: okServer, wifi: { attempts: ["Bad password: correct horse battery"] } }, { wifi });
      assert.equal(result.error, "WIFI");
      assert.match(String(result.hint), /password/);
      assert.equal(stub.wifiCalls.length, 1);
      assert.ok(!stub.output.join("\n").includes("correct horse battery"));
    });

    it("goes on without Wi-Fi on a board without the Wifi module", () => {
      const { stub, result } = run({ server: okServer }, { wifi, probe: false });
      assert.equal(result.ok, true);
      assert.ok(stub.output.includes("Wi-Fi: no Wifi module"));
    });

    it("sets the clock by SNTP before TLS when it is behind the build time", () => {
      const stub = createStub({ server: okServer, wifi: { attempts: ["ok"], sntpSetsClockTo: Date.UTC(2026, 10, 28) } });
      stub.clock.now = 0; // a board fresh from reset
      let finished: CheckResult | null = null;
      main(config({ wifi, probe: false }), espruinoPlatform(stub.globals), joinWifi, (result) => (finished = result));
      stub.clock.run();
      assert.equal(finished!.failure, null);
      assert.ok(stub.output.some((line) => line.startsWith("Clock: SNTP")));
      assert.ok(stub.clock.now >= Date.UTC(2026, 10, 28));
    });

    it("goes on, saying so, when SNTP never sets the clock", () => {
      const stub = createStub({ server: okServer, wifi: { attempts: ["ok"] } });
      stub.clock.now = 0;
      main(config({ wifi, probe: false }), espruinoPlatform(stub.globals), joinWifi);
      stub.clock.run();
      assert.ok(stub.output.includes("Clock: not set"));
      assert.equal(resultOf(stub.output).ok, true);
    });
  });

  describe("secrets", () => {
    it("never prints the Wi-Fi password or the private key, even when an error echoes them", () => {
      const key = Buffer.from("PRIVATE-KEY-MATERIAL").toString("base64");
      const password = "s3cret-passphrase";
      const stub = createStub({
        server: { throws: "HTTPS init failed! mbedtls_pk_parse_key: bad key " + key + " / " + password },
        wifi: { attempts: ["ok"] },
      });
      main(config({ wifi: { ssid: "Net", password }, key, cert: key }), espruinoPlatform(stub.globals), joinWifi);
      stub.clock.run();
      const output = stub.output.join("\n");
      assert.equal(resultOf(stub.output).error, "CONFIG");
      assert.ok(!output.includes(password));
      assert.ok(!output.includes(key));
      assert.ok(output.includes("***"));
    });
  });

  describe("with Espruino's indexOf (a needle cut off at the end counts as found)", () => {
    it("reads answers split at every point", () => {
      withEspruinoStrings(() => {
        for (const response of [answer, chunkedResponse(howsmysslJson(), 41)]) {
          for (let cut = 1; cut < response.length; cut++) {
            const { result } = run({ server: verifyingServer({ response, chunks: [cut] }) });
            assert.equal(result.ok, true, "cut at " + cut);
          }
        }
      });
    });

    it("still tells a refused handshake from a certificate failure", () => {
      withEspruinoStrings(() => {
        for (const [code, error] of [["-0x7780", "TLS_HANDSHAKE"], ["-0x7200", "TLS_HANDSHAKE"], ["-0x2700", "CERT_VERIFY"]]) {
          const { result } = run({ server: { handshakeError: "mbedtls_ssl_handshake returned " + code } });
          assert.equal(result.error, error, code);
        }
      });
    });
  });
});
