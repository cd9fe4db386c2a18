// The real bundle in the host runtime against real TLS servers on loopback,
// and the same scenarios through the unit-test stub: both must classify each
// one the same way. The stub scripts say what Espruino reports for such a
// server (docs/espruino-behaviour.md); the host runtime finds out for real.
import assert from "node:assert/strict";
import type { ResultJson } from "../../app/result.ts";
import type { AppConfig } from "../../app/config.ts";
import { startChecker } from "../../scripts/checker/server.ts";
import { buildBundle, rejected } from "../../scripts/build/bundle.ts";
import { pemToBase64 } from "../../scripts/certs/pem.ts";
import { runBundle } from "../../scripts/host/run-bundle.ts";
import type { Firmware } from "../../scripts/host/firmware.ts";
import { chunkedResponse, howsmysslJson, httpResponse, type ServerScript } from "../support/espruino-stub.ts";
import { appConfig, runWithStub } from "../support/run-app.ts";
import {
  createTestPki,
  startPlainServer,
  startTlsServer,
  type Answer,
  type TestPki,
  type TestServer,
} from "../support/tls-servers.ts";
import { freePort } from "../support/ports.ts";

/** How this project's firmware reports a verification failure (firmware/tls/tls_policy_cert.c). */
const verifyError = (reason: string) => `mbedtls_x509_crt_verify: ${reason} (mbedtls_ssl_handshake returned -0x2700)`;
const answer = httpResponse(howsmysslJson());

interface Expected {
  ok: boolean;
  error?: string;
  certVerified?: boolean | null;
  /** Must match the failure's detail (both runs). */
  detail?: RegExp;
}

interface Scenario {
  name: string;
  expect: Expected;
  /** The firmwares the host runtime plays for it (default: both of this project's). */
  firmwares?: Firmware[];
  /** Configuration beyond URL and the pinned CA. */
  config?: (pki: TestPki) => Partial<AppConfig>;
  /** Starts the real server; returns its URL. */
  real: (pki: TestPki, servers: TestServer[]) => Promise<string>;
  /** What Espruino reports for such a server, for the stub (first connection; the probe follows the firmware). */
  stub: ServerScript;
}

async function tlsServer(servers: TestServer[], options: Parameters<typeof startTlsServer>[0], host = "127.0.0.1"): Promise<string> {
  const server = await startTlsServer(options);
  servers.push(server);
  return `https://${host}:${server.port}/a/check`;
}

const respond = (bytes: string): Answer => ({ kind: "respond", bytes });

const scenarios: Scenario[] = [
  {
    name: "a valid chain: the check completes and the probe shows verification",
    expect: { ok: true, certVerified: true },
    real: async (pki, servers) => {
      const checker = await startChecker({ pki: { caPem: pki.ca.certPem, serverCertPem: pki.server.certPem, serverKeyPem: pki.server.keyPem } });
      servers.push({ port: checker.port, serverNames: [], close: () => checker.close() });
      return checker.url;
    },
    stub: { response: answer },
  },
  {
    name: "stock Espruino TLS: the check completes, but the probe shows no verification",
    expect: { ok: true, certVerified: false },
    firmwares: ["stock"],
    real: (pki, servers) => tlsServer(servers, { cert: pki.server, answer: respond(answer) }),
    stub: { response: answer },
  },
  {
    name: "a chunked body",
    expect: { ok: true, certVerified: true },
    real: (pki, servers) => tlsServer(servers, { cert: pki.server, answer: respond(chunkedResponse(howsmysslJson(), 64)) }),
    stub: { response: chunkedResponse(howsmysslJson(), 64) },
  },
  {
    name: "the wrong CA pinned",
    expect: { ok: false, error: "CERT_VERIFY", detail: /not correctly signed/ },
    config: (pki) => ({ ca: pemToBase64(pki.otherCa.certPem) }),
    real: (pki, servers) => tlsServer(servers, { cert: pki.server, answer: respond(answer) }),
    stub: { handshakeError: verifyError("The certificate is not correctly signed by the trusted CA") },
  },
  {
    name: "an expired server certificate",
    expect: { ok: false, error: "CERT_VERIFY", detail: /expired/ },
    real: (pki, servers) => tlsServer(servers, { cert: pki.expired, answer: respond(answer) }),
    stub: { handshakeError: verifyError("The certificate validity has expired") },
  },
  {
    name: "a server certificate not yet valid",
    expect: { ok: false, error: "CERT_VERIFY", detail: /future/ },
    real: (pki, servers) => tlsServer(servers, { cert: pki.notYetValid, answer: respond(answer) }),
    stub: { handshakeError: verifyError("The certificate validity starts in the future") },
  },
  {
    name: "a hostname mismatch",
    expect: { ok: false, error: "CERT_VERIFY", detail: /CN/ },
    real: (pki, servers) => tlsServer(servers, { cert: pki.wrongName, answer: respond(answer) }, "localhost"),
    stub: { handshakeError: verifyError("The certificate Common Name (CN) does not match with the expected CN") },
  },
  {
    name: "a self-signed server certificate",
    expect: { ok: false, error: "CERT_VERIFY" },
    real: (pki, servers) => tlsServer(servers, { cert: pki.selfSigned, answer: respond(answer) }),
    stub: { handshakeError: verifyError("The certificate is not correctly signed by the trusted CA") },
  },
  {
    name: "a server offering only TLS 1.0 and 1.1",
    expect: { ok: false, error: "TLS_HANDSHAKE" },
    real: (pki, servers) =>
      tlsServer(servers, { cert: pki.server, answer: respond(answer), minVersion: "TLSv1", maxVersion: "TLSv1.1", ciphers: "DEFAULT:@SECLEVEL=0" }),
    stub: { handshakeError: "mbedtls_ssl_handshake returned -0x7780" },
  },
  {
    name: "a server offering only RSA key exchange",
    expect: { ok: false, error: "TLS_HANDSHAKE", detail: /0x7780/ },
    real: (pki, servers) =>
      tlsServer(servers, { cert: pki.server, answer: respond(answer), maxVersion: "TLSv1.2", ciphers: "AES128-GCM-SHA256:AES256-GCM-SHA384" }),
    stub: { handshakeError: "mbedtls_ssl_handshake returned -0x7780" },
  },
  {
    name: "mutual TLS required, with the client certificate",
    expect: { ok: true, certVerified: true },
    config: (pki) => ({ cert: pemToBase64(pki.client.certPem), key: pemToBase64(pki.client.keyPem) }),
    real: (pki, servers) => tlsServer(servers, { cert: pki.server, clientCa: pki.ca, answer: respond(answer) }),
    stub: { response: answer },
  },
  {
    name: "mutual TLS required, without a client certificate",
    expect: { ok: false, error: "TLS_HANDSHAKE" },
    real: (pki, servers) => tlsServer(servers, { cert: pki.server, clientCa: pki.ca, answer: respond(answer) }),
    stub: { handshakeError: "mbedtls_ssl_handshake returned -0x7780" },
  },
  {
    name: "a server that stalls after the handshake",
    expect: { ok: false, error: "TIMEOUT", detail: /0 bytes/ },
    config: () => ({ deadlineMs: 2000 }),
    real: (pki, servers) => tlsServer(servers, { cert: pki.server, answer: { kind: "stall" } }),
    stub: { response: "", ending: "stall" },
  },
  {
    name: "a truncated body",
    expect: { ok: false, error: "BAD_RESPONSE", detail: /truncated/ },
    real: (pki, servers) => tlsServer(servers, { cert: pki.server, answer: { kind: "truncate", bytes: answer.slice(0, -25) } }),
    stub: { response: answer.slice(0, -25), ending: "fin" },
  },
  {
    name: "an oversize body",
    expect: { ok: false, error: "TOO_LARGE" },
    real: (pki, servers) => tlsServer(servers, { cert: pki.server, answer: respond(httpResponse("x".repeat(40_000))) }),
    stub: { response: httpResponse("x".repeat(40_000)) },
  },
  {
    name: "a body that is not JSON",
    expect: { ok: false, error: "BAD_RESPONSE", detail: /not JSON/ },
    real: (pki, servers) => tlsServer(servers, { cert: pki.server, answer: respond(httpResponse("<html>maintenance</html>", "200 OK", ["Content-Type: text/html"])) }),
    stub: { response: httpResponse("<html>maintenance</html>", "200 OK", ["Content-Type: text/html"]) },
  },
  {
    name: "HTTP 500",
    expect: { ok: false, error: "HTTP_STATUS", detail: /HTTP 500/ },
    real: (pki, servers) => tlsServer(servers, { cert: pki.server, answer: respond(httpResponse("oops", "500 Internal Server Error")) }),
    stub: { response: httpResponse("oops", "500 Internal Server Error") },
  },
  {
    name: "a closed port",
    expect: { ok: false, error: "REFUSED" },
    real: async () => `https://127.0.0.1:${await freePort()}/a/check`,
    stub: { throws: "Unable to create socket" },
  },
  {
    name: "an unresolvable name",
    expect: { ok: false, error: "DNS" },
    real: async () => "https://nonexistent.invalid/a/check",
    stub: { throws: "Unable to locate host" },
  },
  {
    name: "a plain TCP server that answers HTTP",
    expect: { ok: false, error: "TLS_HANDSHAKE", detail: /0x7200/ },
    real: async (pki, servers) => {
      const server = await startPlainServer("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
      servers.push(server);
      return `https://127.0.0.1:${server.port}/a/check`;
    },
    stub: { handshakeError: "mbedtls_ssl_handshake returned -0x7200" },
  },
  {
    name: "a plain TCP server that stays silent",
    expect: { ok: false, error: "TIMEOUT" },
    config: () => ({ deadlineMs: 2000 }),
    real: async (pki, servers) => {
      const server = await startPlainServer(null);
      servers.push(server);
      return `https://127.0.0.1:${server.port}/a/check`;
    },
    stub: { silent: true },
  },
];

function check(outcome: ResultJson | null, expected: Expected, where: string): void {
  assert.ok(outcome, `${where}: no RESULT`);
  assert.equal(outcome.ok, expected.ok, `${where}: ${JSON.stringify(outcome)}`);
  if (expected.error) assert.equal(outcome.error, expected.error, `${where}: ${JSON.stringify(outcome)}`);
  if (expected.certVerified !== undefined) assert.equal(outcome.cert_verified, expected.certVerified, `${where}: cert_verified`);
  if (expected.detail) assert.match(String(outcome.detail), expected.detail, `${where}: detail`);
}

describe("integration: the bundle in the host runtime against real servers, and the stub, agree", function () {
  this.timeout(60_000);
  let pki: TestPki;

  before(async () => {
    pki = await createTestPki();
  });

  for (const scenario of scenarios) {
    it(scenario.name, async () => {
      const servers: TestServer[] = [];
      try {
        const url = await scenario.real(pki, servers);
        const config = appConfig({ url, ca: pemToBase64(pki.ca.certPem), ...scenario.config?.(pki) });
        const bundle = await buildBundle(config);
        assert.equal(rejected(bundle), false);
        const firmwares = scenario.firmwares ?? ["wolfssl", "mbedtls"];
        for (const played of firmwares) {
          const real = await runBundle(bundle.code, { firmware: played, timeoutMs: 30_000 });
          check(real.result, scenario.expect, `host runtime as ${played}`);
        }

        // The stub: the probe's connection follows the firmware (project firmware refuses the decoy).
        const firmware = firmwares.includes("stock") ? "stock" : "project";
        const stubbed = runWithStub(
          {
            firmware,
            server: (options, index) =>
              index === 0 || firmware === "stock" ? scenario.stub : { handshakeError: verifyError("The certificate is not correctly signed by the trusted CA") },
          },
          appConfig({ url: "https://127.0.0.1:8443/a/check", ca: config.ca, ...scenario.config?.(pki) }),
        );
        check(stubbed.result, scenario.expect, "stub");
      } finally {
        await Promise.all(servers.map((server) => server.close()));
      }
    });
  }

  it("sends the host name as SNI, except for IP addresses", async () => {
    const servers: TestServer[] = [];
    try {
      const byName = await tlsServer(servers, { cert: pki.server, answer: respond(answer) }, "localhost");
      const byIp = await tlsServer(servers, { cert: pki.server, answer: respond(answer) });
      for (const url of [byName, byIp]) {
        const bundle = await buildBundle(appConfig({ url, ca: pemToBase64(pki.ca.certPem), probe: false }));
        assert.equal((await runBundle(bundle.code)).result?.ok, true);
      }
      assert.deepEqual(servers[0].serverNames, ["localhost"]);
      assert.deepEqual(servers[1].serverNames, [false]);
    } finally {
      await Promise.all(servers.map((server) => server.close()));
    }
  });
});
