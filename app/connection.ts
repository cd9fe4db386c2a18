// One TLS connection over the platform's tls, followed to its end the way
// Espruino reports ends (docs/espruino-behaviour.md): a throw from connect,
// `error` events, and the uncaught error that carries a failed handshake's
// reason after the close. The check's HTTPS GET (app/check.ts) and the MQTT
// publisher (app/publisher.ts) open theirs here; both are in a bundle with a
// broker, so this code is there once.
import type { Socket, TlsConnectOptions } from "../typings/espruino.d.ts";
import { classifyConnection, CLOSE_NOTIFY, ConnectionEvidence, Failure, UNSENT_DATA } from "./failure.ts";
import type { Platform, Timer } from "./platform.ts";
import { errorText } from "./thrown.ts";

/**
 * After a close with nothing received, how long to wait for the uncaught
 * InternalError that carries the handshake's real reason: Espruino raises it
 * after the close event.
 */
export const HANDSHAKE_ERROR_GRACE_MS = 500;

export interface Link {
  write(data: string): void;
  /**
   * Ends it (at once with `now`, else once what was written is sent); nothing
   * more is reported, and `then` runs once the socket has closed.
   */
  close(now: boolean, then?: () => void): void;
}

/**
 * Connects, writes `hello` once connected, and hands each piece of data to
 * `onData` and the peer's end (Espruino's `end`, or stock's close_notify
 * error) to `onEnded`. Takes the uncaught errors (the caller gives them back
 * with p.onUncaught(null)). When the connection ends without close(),
 * `onOver` gets the failure: what connect (or loading tls) threw, or what
 * Espruino said before and after the close, waiting HANDSHAKE_ERROR_GRACE_MS
 * for the handshake's reason unless `settled()` says the handshake is done.
 * Never calls back before it has returned.
 */
export function openTls(
  p: Platform,
  options: TlsConnectOptions,
  hello: string,
  onData: (data: string) => void,
  onEnded: () => void,
  onOver: (failed: Failure, evidence: ConnectionEvidence) => void,
  settled: () => unknown,
): Link {
  const evidence: ConnectionEvidence = { thrown: null, socketError: null, uncaught: null };
  let socket: Socket;
  let closed = false;
  let over = false;
  // 0 until set: clearTimeout(0) does nothing (timer ids start at 1), clearTimeout(undefined) throws.
  let grace: Timer = 0;
  let then: (() => void) | undefined;
  const conclude = () => over || onOver(classifyConnection(evidence), evidence);
  const link: Link = {
    write: (data) => socket.write(data),
    close: (now, after) => {
      over = true;
      // A pending timer keeps the interpreter busy.
      p.clearTimeout(grace);
      if (closed) return after && after();
      socket.end();
      // end() alone waits for a handshake that may never finish.
      if (now) socket.clsNow = true;
      // The TLS context (about 41 KB) is freed on close: two at once fragment the heap (measured).
      then = after;
    },
  };
  p.onUncaught((error) => {
    evidence.uncaught = errorText(error);
    if (closed) conclude();
  });
  p.sampleMemory();
  // A fragmented store can fail the TLS context's allocation (an ASSERT that ends the Linux build).
  p.defragment();
  try {
    socket = p.tls().connect(options, () => {
      p.sampleMemory();
      if (!over) socket.write(hello);
    });
  } catch (e) {
    evidence.thrown = errorText(e);
    closed = true;
    p.setTimeout(conclude, 0);
    return link;
  }
  socket.on("data", (data) => {
    p.sampleMemory();
    if (!over) onData(data);
  });
  const ended = () => over || onEnded();
  socket.on("end", ended);
  socket.on("error", (error) => {
    // Stock Espruino reports a normal TLS close as an error: it is an end.
    if (error.code === CLOSE_NOTIFY) ended();
    else if (error.code !== UNSENT_DATA || !evidence.socketError) evidence.socketError = error;
  });
  socket.on("close", () => {
    closed = true;
    if (then) return then();
    if (over) return;
    if (settled() || evidence.uncaught) conclude();
    else grace = p.setTimeout(conclude, HANDSHAKE_ERROR_GRACE_MS);
  });
  return link;
}
