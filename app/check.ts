// One HTTPS GET over the platform's tls socket, bounded by a deadline and a
// body cap. Turns Espruino's many ways of ending a connection into either a
// complete response or one classified failure.
import type { Socket, TlsConnectOptions } from "../typings/espruino.d.ts";
import type { AppConfig } from "./config.ts";
import { classifyConnection, CLOSE_NOTIFY, ConnectionEvidence, Failure, failure, UNSENT_DATA } from "./failure.ts";
import { createResponseParser, HttpResponse } from "./http-response.ts";
import { errorText } from "./thrown.ts";
import type { Platform, Timer } from "./platform.ts";

export interface Target {
  host: string;
  port: number;
  path: string;
  /** Certificates and key as DER binary strings, the form Espruino's tls takes. */
  ca: string | null;
  cert: string | null;
  key: string | null;
}

/** The whole exchange must end within `deadlineMs`; the body may be at most `bodyCap` bytes. */
export type Limits = Pick<AppConfig, "deadlineMs" | "bodyCap">;

/** Either a complete response or the failure; `ms` from connect to the end. */
export interface CheckOutcome {
  response: HttpResponse | null;
  failure: Failure | null;
  ms: number;
}

/**
 * After a close with nothing received, how long to wait for the uncaught
 * InternalError that carries the handshake's real reason: Espruino raises it
 * after the close event.
 */
export const HANDSHAKE_ERROR_GRACE_MS = 500;

export function buildRequest(target: Target, userAgent: string): string {
  return (
    "GET " + target.path + " HTTP/1.1\r\nHost: " + target.host + (target.port === 443 ? "" : ":" + target.port) +
    "\r\nUser-Agent: " + userAgent + "\r\nConnection: close\r\n\r\n"
  );
}

export function httpsGet(p: Platform, target: Target, limits: Limits, userAgent: string, done: (outcome: CheckOutcome) => void): void {
  const started = p.now();
  const parser = createResponseParser(limits.bodyCap);
  const evidence: ConnectionEvidence = { thrown: null, socketError: null, uncaught: null };
  let socket: Socket | null = null;
  let settled = false;
  let closed = false;
  let grace: Timer | undefined;
  /** Set when settled with the socket still open: gives the outcome once it has closed. */
  let handOver: (() => void) | undefined;

  function settle(failed: Failure | null): void {
    if (settled) return;
    settled = true;
    p.clearTimeout(deadline);
    if (grace !== undefined) p.clearTimeout(grace); // a pending timer would keep the interpreter busy
    p.onUncaught(null);
    p.sampleMemory();
    // Espruino's clock has fractions of a ms.
    const outcome = { response: failed ? null : parser.response, failure: failed, ms: Math.round(p.now() - started) };
    if (socket && !closed) {
      socket.end();
      socket.clsNow = true; // end() alone waits for a handshake that may never finish
      // The TLS context (about 41 KB) is freed on close: two at once fragment the heap (measured).
      handOver = () => done(outcome);
    } else {
      done(outcome);
    }
  }

  /** Settles as soon as the parser knows the answer. */
  function settleIfParsed(): void {
    const problem = parser.problem;
    if (parser.response || problem) settle(problem && failure(problem.code, problem.detail));
  }

  /** The socket is over: what the parser has, or else why nothing came. */
  function conclude(): void {
    if (parser.received) parser.finish();
    settleIfParsed();
    settle(classifyConnection(evidence));
  }

  const deadline = p.setTimeout(
    () => settle(failure("TIMEOUT", "no full answer in " + limits.deadlineMs / 1000 + " s, " + parser.received + " bytes")),
    limits.deadlineMs,
  );

  const tls = p.tls();
  if (typeof tls === "string") return settle(failure("NO_TLS", tls));

  const options: TlsConnectOptions = { host: target.host, port: target.port };
  if (target.ca) options.ca = target.ca;
  if (target.cert && target.key) {
    options.cert = target.cert;
    options.key = target.key;
  }
  p.onUncaught((error) => {
    evidence.uncaught = errorText(error);
    if (closed) conclude();
  });
  p.sampleMemory();
  // A fragmented store can fail the TLS context's allocation (an ASSERT that ends the Linux build).
  p.defragment();
  try {
    socket = tls.connect(options, () => {
      p.sampleMemory();
      if (!settled) socket!.write(buildRequest(target, userAgent));
    });
  } catch (e) {
    evidence.thrown = errorText(e);
    return settle(classifyConnection(evidence));
  }

  socket.on("data", (data) => {
    parser.push(data);
    p.sampleMemory();
    settleIfParsed();
  });
  // Espruino also sends `end` after a failed handshake: with nothing received, wait for close.
  const ended = () => {
    if (!parser.received) return;
    parser.finish();
    settleIfParsed();
  };
  socket.on("end", ended);
  socket.on("error", (error) => {
    // Stock Espruino reports a normal TLS close as an error: it is an end.
    if (error.code === CLOSE_NOTIFY) ended();
    else if (error.code !== UNSENT_DATA || !evidence.socketError) {
      evidence.socketError = error;
    }
  });
  socket.on("close", () => {
    closed = true;
    if (handOver) return handOver();
    if (parser.received || evidence.uncaught) conclude();
    else if (!settled) grace = p.setTimeout(conclude, HANDSHAKE_ERROR_GRACE_MS);
  });
}
