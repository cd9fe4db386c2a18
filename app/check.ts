// One HTTPS GET over the platform's tls socket, bounded by a deadline and a
// body cap. Turns Espruino's many ways of ending a connection into either a
// complete response or one classified failure.
import type { TlsConnectOptions } from "../typings/espruino.d.ts";
import type { CheckConfig } from "./config.ts";
import { openTls } from "./connection.ts";
import { Failure, failure } from "./failure.ts";
import { createResponseParser, HttpResponse } from "./http-response.ts";
import type { Platform } from "./platform.ts";

/**
 * Where to connect, and the options tls.connect takes as they are (Espruino
 * ignores `path`; an undefined certificate counts as absent, as in
 * url.parse-based options): certificates and key as DER binary strings.
 */
export interface Target extends TlsConnectOptions {
  port: number;
  path: string;
}

/** The whole exchange must end within `deadlineMs`; the body may be at most `bodyCap` bytes. */
export type Limits = Pick<CheckConfig, "deadlineMs" | "bodyCap">;

/** Either a complete response or the failure; `ms` from connect to the end. */
export interface CheckOutcome {
  response: HttpResponse | null;
  failure: Failure | null;
  ms: number;
}

export function buildRequest(target: Target, userAgent: string): string {
  return (
    "GET " + target.path + " HTTP/1.1\r\nHost: " + target.host + (target.port === 443 ? "" : ":" + target.port) +
    "\r\nUser-Agent: " + userAgent + "\r\nConnection: close\r\n\r\n"
  );
}

export function httpsGet(p: Platform, target: Target, limits: Limits, userAgent: string, done: (outcome: CheckOutcome) => void): void {
  const started = p.now();
  const parser = createResponseParser(limits.bodyCap);
  let settled = false;

  function settle(failed: Failure | null): void {
    if (settled) return;
    settled = true;
    p.clearTimeout(deadline);
    p.onUncaught(null);
    p.sampleMemory();
    // Espruino's clock has fractions of a ms.
    const outcome = { response: failed ? null : parser.response, failure: failed, ms: Math.round(p.now() - started) };
    // The outcome once the socket has closed: the next connection must not overlap this one.
    link.close(true, () => done(outcome));
  }

  /** Settles as soon as the parser knows the answer. */
  function settleIfParsed(): void {
    const problem = parser.problem;
    if (parser.response || problem) settle(problem && failure(problem.code, problem.detail));
  }

  /** The peer ended: what the parser has (with nothing received, the close says more). */
  function ended(): void {
    if (!parser.received) return;
    parser.finish();
    settleIfParsed();
  }

  const deadline = p.setTimeout(
    () => settle(failure("TIMEOUT", "no full answer in " + limits.deadlineMs / 1000 + " s, " + parser.received + " bytes")),
    limits.deadlineMs,
  );

  const link = openTls(
    p,
    target,
    buildRequest(target, userAgent),
    (data) => {
      parser.push(data);
      settleIfParsed();
    },
    ended,
    // The socket is over: what the parser has, or else why nothing came.
    (failed) => {
      ended();
      settle(failed);
    },
    () => parser.received,
  );
}
