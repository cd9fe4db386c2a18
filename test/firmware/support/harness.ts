// Runs a firmware/test/harness build (one HTTPS GET through the Espruino-like
// client, on either backend) and parses its one-line JSON report.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { PemFiles } from "./fixtures.ts";

const run = promisify(execFile);

export interface HarnessReport {
  backend: "mbedtls" | "wolfssl";
  ok: boolean;
  tcp: boolean;
  handshake: "ok" | "failed" | "none";
  /** The failure as Espruino reports it (an mbedTLS code). */
  handshake_error: number | null;
  /** The library's own error code behind it. */
  library_error: number | null;
  /** The (first) exception JavaScript would see, e.g. the uncaught InternalError's message. */
  exception: string | null;
  verify_flags: number | null;
  cert_verified: boolean;
  /** The host name the library holds: sent as SNI and matched against the certificate. */
  sni: string | null;
  suite: string | null;
  version: string | null;
  /** The key exchange group (wolfSSL's name), null when the library cannot say. */
  group: string | null;
  /** The socket's events as Espruino would fire them: connect, data, error:CODE, end, close:BOOL. */
  events: string[];
  close_error: number | null;
  clean_close: boolean;
  bytes: number;
  data: string;
  timed_out: boolean;
  /** Most bytes of heap the library held at once (wolfSSL only), else null. */
  heap_peak: number | null;
}

export interface HarnessRequest {
  host: string;
  port: number;
  ca?: string;
  cert?: string;
  key?: string;
  path?: string;
  timeoutMs?: number;
  /** The network driver moves at most this many bytes per send or receive. */
  ioPiece?: number;
}

/** A connection as the app makes it: certificates and key as DER. */
export interface DerConnect {
  host: string;
  port: number;
  /** The CA to pin, passed as DER like the app passes it; none: no `ca` option. */
  ca?: PemFiles;
  /** The client certificate and key, as DER. */
  client?: PemFiles;
  ioPiece?: number;
  path?: string;
}

export function derRequest(c: DerConnect): HarnessRequest {
  return {
    host: c.host,
    port: c.port,
    ca: c.ca?.certDer,
    cert: c.client?.certDer,
    key: c.client?.keyDer,
    ioPiece: c.ioPiece,
    path: c.path,
  };
}

export async function runHarness(binary: string, request: HarnessRequest): Promise<HarnessReport> {
  const timeoutMs = request.timeoutMs ?? 8000;
  const args = ["--host", request.host, "--port", String(request.port), "--timeout-ms", String(timeoutMs)];
  if (request.ca) args.push("--ca", request.ca);
  if (request.cert) args.push("--cert", request.cert);
  if (request.key) args.push("--key", request.key);
  if (request.path) args.push("--path", request.path);
  if (request.ioPiece) args.push("--io-piece", String(request.ioPiece));
  const { stdout } = await run(binary, args, { timeout: timeoutMs + 5000, maxBuffer: 4 << 20 });
  return JSON.parse(stdout) as HarnessReport;
}

/** mbedTLS error codes the tests expect, as the negative numbers mbedTLS returns (and the wolfSSL backend reports). */
export const MBEDTLS = {
  X509_CERT_VERIFY_FAILED: -0x2700,
  SSL_INVALID_RECORD: -0x7200,
  SSL_FATAL_ALERT_MESSAGE: -0x7780,
  SSL_PEER_CLOSE_NOTIFY: -0x7880,
  SSL_BAD_HS_PROTOCOL_VERSION: -0x6e80,
} as const;

/** Espruino's socket error codes (libs/network/socketerrors.h). */
export const SOCKET_ERR = { CLOSED: -1, UNSENT_DATA: -8 } as const;

/** mbedtls_x509_crt_verify_info texts: what JavaScript gets for a refused certificate on either backend (firmware/README.md). */
export const REASON = {
  expired: "The certificate validity has expired",
  future: "The certificate validity starts in the future",
  nameMismatch: "The certificate Common Name (CN) does not match with the expected CN",
  notTrusted: "The certificate is not correctly signed by the trusted CA",
} as const;
