// Runs firmware/test/harness (one HTTPS GET through the Espruino-like client)
// and parses its one-line JSON report.
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface HarnessReport {
  ok: boolean;
  tcp: boolean;
  handshake: "ok" | "failed" | "none";
  handshake_error: number | null;
  /** The (first) exception JavaScript would see, e.g. the uncaught InternalError's message. */
  exception: string | null;
  verify_flags: number | null;
  cert_verified: boolean;
  /** The host name mbedTLS holds: sent as SNI and matched against the certificate. */
  sni: string | null;
  suite: string | null;
  version: string | null;
  /** The socket's events as Espruino would fire them: connect, data, error:CODE, end, close:BOOL. */
  events: string[];
  close_error: number | null;
  clean_close: boolean;
  bytes: number;
  data: string;
  timed_out: boolean;
}

export interface HarnessRequest {
  host: string;
  port: number;
  ca?: string;
  cert?: string;
  key?: string;
  path?: string;
  timeoutMs?: number;
}

export async function runHarness(binary: string, request: HarnessRequest): Promise<HarnessReport> {
  const timeoutMs = request.timeoutMs ?? 8000;
  const args = ["--host", request.host, "--port", String(request.port), "--timeout-ms", String(timeoutMs)];
  if (request.ca) args.push("--ca", request.ca);
  if (request.cert) args.push("--cert", request.cert);
  if (request.key) args.push("--key", request.key);
  if (request.path) args.push("--path", request.path);
  const { stdout } = await run(binary, args, { timeout: timeoutMs + 5000 });
  return JSON.parse(stdout) as HarnessReport;
}

/** mbedTLS error codes the tests expect, as the negative numbers mbedTLS returns. */
export const MBEDTLS = {
  X509_CERT_VERIFY_FAILED: -0x2700,
  SSL_FATAL_ALERT_MESSAGE: -0x7780,
  SSL_PEER_CLOSE_NOTIFY: -0x7880,
  SSL_BAD_HS_PROTOCOL_VERSION: -0x6e80,
} as const;

/** Espruino's socket error codes (libs/network/socketerrors.h). */
export const SOCKET_ERR = { CLOSED: -1, UNSENT_DATA: -8 } as const;

/** mbedtls_x509_crt_verify_info texts, as the contract (notes/contracts.md section 1) quotes them. */
export const REASON = {
  expired: "The certificate validity has expired",
  future: "The certificate validity starts in the future",
  nameMismatch: "The certificate Common Name (CN) does not match with the expected CN",
  notTrusted: "The certificate is not correctly signed by the trusted CA",
} as const;
