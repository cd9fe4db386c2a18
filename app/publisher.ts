// Publishing each RESULT to an MQTT broker over mutual TLS, and with
// `everyMs`, checking and publishing again for as long as the device runs,
// on one connection kept alive with PINGREQ and opened again with backoff
// when the broker goes away. The build leaves this module out of bundles
// that configure no broker (see "app-mqtt" in scripts/build/bundle.ts), so
// every byte here counts only for those.
import type { Socket, TlsConnectOptions } from "../typings/espruino.d.ts";
import { HANDSHAKE_ERROR_GRACE_MS } from "./check.ts";
import type { AppConfig } from "./config.ts";
import { errorText } from "./thrown.ts";
import { classifyConnection, CLOSE_NOTIFY, ConnectionEvidence, Failure, failure, UNSENT_DATA } from "./failure.ts";
import { CONNACK, connectPacket, createReader, DISCONNECT, PINGREQ, PINGRESP, PUBACK, publishPacket } from "./mqtt.ts";
import type { Platform, Timer } from "./platform.ts";
import { CheckResult, redact, resultObject } from "./report.ts";
import type { PublishReport } from "./result.ts";

/** Publishes `result`, sets its `delivery`, calls `show`; with everyMs, calls `again` (the next check) later. */
export type Publish = (result: CheckResult, show: () => void, again: () => void) => void;

/** The first wait before opening a lost connection again; it doubles up to RETRY_MAX_MS. */
export const RETRY_MS = 2000;
export const RETRY_MAX_MS = 300000;

/** CONNACK return codes 1-5 (MQTT 3.1.1, 3.2.2.3): the reason, and a hint. */
const REFUSALS = [
  "unacceptable protocol version",
  "Use an MQTT 3.1.1 broker.",
  "identifier rejected",
  "Check the client id.",
  "server unavailable",
  "Try later.",
  "bad user name or password",
  "Check user name and password.",
  "not authorised",
  "Check the broker's ACL or policy for this client.",
];

const refused = (detail: string, hint: string) => failure("MQTT_REFUSED", detail, hint);
const protocol = (detail: string) => failure("MQTT_PROTOCOL", detail);

export function startPublisher(p: Platform, config: AppConfig, print: (line: string) => void): Publish {
  const broker = config.mqtt!;
  const log = (line: string) => print(redact(line, [broker.password || ""]));
  const name = broker.host + ":" + broker.port;
  const halfKeepAlive = broker.keepAlive * 500;
  const options: TlsConnectOptions = { host: broker.host, port: broker.port };
  /** The broker's own setting, else the check's (when absent), decoded. */
  const pick = (field: "ca" | "cert" | "key") => {
    const value = broker[field] === undefined ? config[field] : broker[field];
    if (value) options[field] = p.decode(value);
  };
  pick("ca");
  pick("cert");
  pick("key");
  // Mostly the broker's verdict on the client certificate (or on its absence).
  const certHint = "The broker may " + (options.cert ? "refuse the" : "need a") + " client certificate.";
  /** clearTimeout, which throws on undefined (and clears every timer without an argument). */
  const stop = (timer: Timer | undefined) => {
    if (timer !== undefined) p.clearTimeout(timer);
  };

  let socket: Socket | null = null;
  /** The broker accepted the connection (CONNACK 0). */
  let up = false;
  /** Sends the publish in flight on the accepted connection. */
  let send = () => {};
  /** Ends the connection: with a failure (dropped at once), or null (DISCONNECT). */
  let close: (failed: Failure | null) => void = () => {};
  let retry: Timer | undefined;
  let backoff = RETRY_MS;
  /** From `again` to the next publish the check owns the network and the uncaught errors: no connecting. */
  let checking = false;
  let again = () => {};
  // The publish in flight (`result` null: none).
  let result: CheckResult | null = null;
  let show = () => {};
  let id = 0;
  let packet = "";
  let started = 0;

  /** The next check, once no connection is being opened (its handshake error would reach the check). */
  function next(): void {
    if (socket && !up) {
      p.setTimeout(next, HANDSHAKE_ERROR_GRACE_MS);
    } else {
      checking = true;
      again();
    }
  }

  function finish(failed: Failure | null): void {
    const report: PublishReport = { broker: name, topic: broker.topic, published: !failed };
    if (failed) {
      report.error = failed.code;
      report.detail = failed.detail;
      report.hint = failed.hint;
    } else {
      // The firmware that verified (or not) the check's server made this connection too.
      report.cert_verified = options.ca ? result!.certVerified : false;
    }
    report.ms = Math.round(p.now() - started);
    result!.delivery = report;
    result = null;
    if (broker.everyMs) p.setTimeout(next, broker.everyMs);
    else close(null);
    show();
  }

  /** The connection is over: fail the publish in flight; with everyMs, open it again later. */
  function lost(failed: Failure): void {
    if (result) finish(failed);
    else if (broker.everyMs) log("MQTT: " + failed.code + " " + failed.detail + "; again in " + backoff / 1000 + " s");
    if (!broker.everyMs) return;
    retry = p.setTimeout(() => {
      if (!checking && !socket) open();
    }, backoff);
    backoff = Math.min(backoff * 2, RETRY_MAX_MS);
  }

  function open(): void {
    stop(retry);
    const tls = p.tls();
    if (typeof tls === "string") return lost(failure("NO_TLS", tls));
    log("MQTT: " + name);
    const evidence: ConnectionEvidence = { thrown: null, socketError: null, uncaught: null };
    let closed = false;
    let over = false;
    let grace: Timer | undefined;
    /** Set while CONNACK or PUBACK is due. */
    let due: Timer | undefined;
    let ping: Timer | undefined;
    /** PINGREQs unanswered: with a third, a whole keep-alive has passed and the broker counts as gone. */
    let pinged = 0;
    let current: Socket;

    const expect = (what: string) => {
      due = p.setTimeout(() => end(failure("TIMEOUT", "no " + what + " in " + config.deadlineMs / 1000 + " s")), config.deadlineMs);
    };
    const beat = () => {
      if (pinged++ > 1) return end(failure("TIMEOUT", "no PINGRESP"));
      current.write(PINGREQ);
      ping = p.setTimeout(beat, halfKeepAlive);
    };

    /** The connection's end, once. */
    function end(failed: Failure | null): void {
      if (over) return;
      over = true;
      // Uncaught errors were ours only until CONNACK (no check runs while connecting).
      if (!up) p.onUncaught(null);
      socket = null;
      up = false;
      stop(grace);
      stop(due);
      stop(ping);
      if (!closed) {
        if (!failed) current.write(DISCONNECT);
        current.end();
        // end() waits for a handshake that may never finish.
        if (failed) current.clsNow = true;
      }
      if (failed) lost(failed);
    }

    /** Closed by the broker or the network: what the evidence says, or where in the exchange it stopped. */
    function concluded(): void {
      let failed: Failure;
      if (evidence.thrown || evidence.uncaught || evidence.socketError) {
        failed = classifyConnection(evidence);
        // A fatal alert (-0x7780; -30592 in a socket error after the handshake) or a hang-up (-0x1) in the handshake.
        if (/0x7780|-30592|-0x1$/.test(failed.detail)) failed.hint = certHint;
      } else {
        failed = up ? refused("closed" + (result ? " before PUBACK" : ""), REFUSALS[9]) : refused("closed before CONNACK", certHint);
      }
      end(failed);
    }

    const read = createReader((type, a, b) => {
      if (over) return;
      if (type === CONNACK && !up) {
        if (b) return end(b > 5 ? protocol("CONNACK " + b) : refused("CONNACK " + b + ": " + REFUSALS[b * 2 - 2], REFUSALS[b * 2 - 1]));
        up = true;
        backoff = RETRY_MS;
        p.onUncaught(null);
        stop(due);
        if (halfKeepAlive) ping = p.setTimeout(beat, halfKeepAlive);
        if (result) send();
      } else if (type === PUBACK && up && result && a * 256 + b === id) {
        stop(due);
        finish(null);
      } else if (type === PINGRESP && up) {
        pinged = 0;
      } else {
        end(protocol("unexpected packet type " + type));
      }
    });

    p.onUncaught((error) => {
      evidence.uncaught = errorText(error);
      if (closed) concluded();
    });
    p.sampleMemory();
    // A fragmented store can fail the TLS context's allocation (an ASSERT that ends the Linux build).
    p.defragment();
    try {
      current = tls.connect(options, () => {
        if (!over) current.write(connectPacket(broker.clientId, broker.keepAlive, broker.username, broker.password));
      });
    } catch (e) {
      evidence.thrown = errorText(e);
      closed = true; // no socket to close
      return concluded();
    }
    socket = current;
    close = end;
    send = () => {
      current.write(packet);
      expect("PUBACK");
    };
    expect("CONNACK");
    current.on("data", (data) => {
      p.sampleMemory();
      const problem = read(data);
      if (problem) end(protocol(problem));
    });
    current.on("error", (error) => {
      // Stock Espruino reports a normal TLS close as an error: it is an end.
      if (error.code !== CLOSE_NOTIFY && (error.code !== UNSENT_DATA || !evidence.socketError)) evidence.socketError = error;
    });
    current.on("close", () => {
      closed = true;
      if (over) return;
      // A failed handshake's reason comes as an uncaught error after the close.
      if (up || evidence.uncaught) concluded();
      else grace = p.setTimeout(concluded, HANDSHAKE_ERROR_GRACE_MS);
    });
  }

  return (checked, shown, nextCheck) => {
    checking = false;
    again = nextCheck;
    show = shown;
    result = checked;
    checked.delivery = undefined; // not part of what is published
    id = (id % 65535) + 1;
    packet = publishPacket(broker.topic, JSON.stringify(resultObject(checked)), id);
    started = p.now();
    if (up) send();
    else if (!socket) open();
  };
}
