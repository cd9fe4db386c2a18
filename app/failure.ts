// What went wrong -> {code, detail, hint} (pure). Classification follows how
// Espruino really reports failures (docs/espruino-behaviour.md): synchronous
// throws from connect, `error` events {code, message}, and the uncaught
// InternalError "mbedtls_ssl_handshake returned -0x...." after a failed
// handshake. Every byte here is in the device's bundle: rules are data,
// hints are short.

import type { FailureFields } from "./result.ts";
import { find } from "./text.ts";

export type FailureCode =
  | "CONFIG"
  | "NO_TLS"
  | "WIFI"
  | "DNS"
  | "REFUSED"
  | "TIMEOUT"
  | "TLS_HANDSHAKE"
  | "CERT_VERIFY"
  | "HTTP_STATUS"
  | "BAD_RESPONSE"
  | "TOO_LARGE"
  // Publishing to the MQTT broker (app/publisher.ts, which carries their hints).
  | "MQTT_REFUSED"
  | "MQTT_PROTOCOL";

/** Named as the RESULT names them (app/result.ts, FailureFields), so that it is copied in whole. */
export interface Failure extends FailureFields {
  error: FailureCode;
}

/** How a connection that delivered no response bytes ended. */
export interface ConnectionEvidence {
  /** Message of an exception thrown synchronously by `connect`. */
  thrown: string | null;
  /** The most telling `error` event, if any. */
  socketError: { code: number; message: string } | null;
  /** Message of the uncaught InternalError raised after the socket closed. */
  uncaught: string | null;
}

/** mbedTLS reports a peer's close_notify as this error code (-0x7880); stock Espruino passes it on as an error. */
export const CLOSE_NOTIFY = -30848;
/** Espruino's socket error "unsent data": a symptom of a failed handshake, never its cause. */
export const UNSENT_DATA = -8;

// CONFIG has no default: the build checks the configuration; on the device it
// only means a certificate the firmware cannot parse (a rule below).
const HINTS: { [code: string]: string } = {
  NO_TLS: "Flash firmware with TLS (firmware/).",
  WIFI: "Check SSID, password, 2.4 GHz, signal.",
  DNS: "Check the host name and DNS.",
  REFUSED: "Check host, port, server and firewall.",
  TIMEOUT: "Check the server and that the port is TLS; raise the deadline.",
  TLS_HANDSHAKE: "Check the port speaks TLS; see firmware/ for what the server needs.",
  CERT_VERIFY: "Pin the server's root CA: npm run fetch-ca -- HOST",
  HTTP_STATUS: "Check the URL path.",
  BAD_RESPONSE: "Check the URL is a howsmyssl /a/check.",
  TOO_LARGE: "Check the URL, or raise bodyCap.",
};

const REFUSED_HANDSHAKE = "The server may need ECDHE/TLS 1.2+ (see firmware/) or a client certificate.";

/**
 * [text in the message, code, hint]: the first rule whose text occurs wins.
 * Hex codes are mbedTLS's; lower-case words are Espruino's socket error names.
 */
const RULES: Array<[string, FailureCode, string?]> = [
  ["Module", "NO_TLS"], // require("tls") on firmware without it: "Module tls not found"
  ["locate host", "DNS"],
  ["create socket", "REFUSED"],
  ["parse", "CONFIG", "The firmware cannot parse the certificate or key."],
  ["expired", "CERT_VERIFY", "Renew the server certificate, or check the clock."],
  ["future", "CERT_VERIFY", "Device clock wrong: is SNTP reachable?"],
  ["CN", "CERT_VERIFY", "Use the host name the certificate names."],
  ["verify", "CERT_VERIFY"],
  ["0x2700", "CERT_VERIFY"], // X509_CERT_VERIFY_FAILED
  ["0x7780", "TLS_HANDSHAKE", REFUSED_HANDSHAKE], // fatal alert from the server
  ["0x6e00", "TLS_HANDSHAKE", REFUSED_HANDSHAKE], // protocol version refused
  ["0x7200", "TLS_HANDSHAKE", "This port does not speak TLS: check the URL."], // not a TLS record
  ["memory", "TLS_HANDSHAKE", "Free memory, or see firmware/ for smaller TLS buffers."],
  ["timeout", "TIMEOUT"],
  ["not found", "DNS"],
  // With no byte received, these are how an ESP32 reports a refusal.
  ["no route", "REFUSED"],
  ["reset", "REFUSED"],
  ["no connection", "REFUSED"],
];

export function failure(code: FailureCode, detail: string, hint?: string): Failure {
  return { error: code, detail: detail, hint: hint || HINTS[code] };
}

/** Classifies the end of a connection that delivered no response bytes. */
export function classifyConnection(evidence: ConnectionEvidence): Failure {
  const error = evidence.socketError;
  const text = (
    evidence.thrown ||
    evidence.uncaught ||
    (error ? "socket error " + error.code + " " + error.message : "closed before any response")
  )
    .replace(/\s+/g, " ")
    .trim();
  for (const rule of RULES) if (find(text, rule[0]) >= 0) return failure(rule[1], text, rule[2]);
  return failure("TLS_HANDSHAKE", text);
}
