// What both backends' handshake tests share: a server or the project's
// checker around one test, and what a refused certificate must look like.
import assert from "node:assert/strict";
import type tls from "node:tls";
import type { ClientHello } from "../../../scripts/checker/clienthello.ts";
import { type Checker, startChecker } from "../../../scripts/checker/server.ts";
import type { Fixtures, PemFiles } from "./fixtures.ts";
import { type HarnessReport, MBEDTLS, SOCKET_ERR } from "./harness.ts";
import { startTlsServer, type TestServer } from "./servers.ts";

/** How a socket whose handshake failed with the request still queued ends. */
export const FAILED_EVENTS_TAIL = [`error:${SOCKET_ERR.UNSENT_DATA}`, "end", "close:true"];

/** A clean exchange: the answer, then the server's close_notify. */
export const CLEAN_EVENTS = ["connect", "data", "end", "close:false"];

export async function withServer<T>(
  leaf: PemFiles,
  options: tls.TlsOptions,
  body: (server: TestServer) => Promise<T>,
  response?: string,
): Promise<T> {
  const server = await startTlsServer({ key: leaf.keyPem, cert: leaf.certPem, ...options }, response);
  try {
    return await body(server);
  } finally {
    await server.close();
  }
}

export async function withChecker<T>(
  pki: Fixtures,
  leaf: PemFiles,
  options: { requireClientCert?: boolean; tlsOptions?: tls.TlsOptions },
  body: (checker: Checker) => Promise<T>,
): Promise<T> {
  const checker = await startChecker({
    pki: { caPem: pki.ca.certPem, serverCertPem: leaf.certPem, serverKeyPem: leaf.keyPem },
    requireClientCert: options.requireClientCert,
    tlsOptions: options.tlsOptions,
  });
  try {
    return await body(checker);
  } finally {
    await checker.close();
  }
}

export function lastHello(checker: Checker): ClientHello {
  const observed = checker.hellos.at(-1);
  assert.ok(observed, "the checker saw no ClientHello");
  return observed.hello;
}

/** A refused certificate: JavaScript gets mbedTLS's reason and -0x2700, and no data. */
export function assertVerifyFailure(report: HarnessReport, reason: string): void {
  assert.equal(report.handshake, "failed", JSON.stringify(report));
  assert.equal(report.handshake_error, MBEDTLS.X509_CERT_VERIFY_FAILED);
  const exception = report.exception ?? "";
  assert.ok(exception.startsWith("mbedtls_x509_crt_verify: "), `exception: ${report.exception}`);
  assert.ok(exception.includes(reason), `"${reason}" missing from: ${exception}`);
  assert.ok(exception.endsWith(" (mbedtls_ssl_handshake returned -0x2700)"), exception);
  assert.equal(report.bytes, 0);
  assert.deepEqual(report.events.slice(-3), FAILED_EVENTS_TAIL);
  assert.equal(report.cert_verified, false);
}

/** A server the client refuses during the handshake: an uncaught handshake error, no data. */
export function assertRefused(report: HarnessReport, code?: number): void {
  assert.equal(report.handshake, "failed", JSON.stringify(report));
  assert.equal(report.bytes, 0);
  assert.equal(report.cert_verified, false);
  assert.match(report.exception ?? "", /^mbedtls_ssl_handshake returned /);
  if (code !== undefined) {
    assert.equal(report.handshake_error, code);
    assert.equal(report.exception, `mbedtls_ssl_handshake returned -0x${(-code).toString(16)}`);
  }
}
