// Publishing each RESULT to an MQTT broker over mutual TLS, and with
// `everyMs`, checking and publishing again for as long as the device runs,
// on one connection kept alive with PINGREQ and opened again with backoff
// when the broker goes away. The build leaves this module out of bundles
// that configure no broker (see "app-mqtt" in scripts/build/bundle.ts), so
// every byte here counts only for those.
import type { TlsConnectOptions } from "../typings/espruino.d.ts";
import type { EmbeddedConfig } from "./config.ts";
import { HANDSHAKE_ERROR_GRACE_MS, Link, openTls } from "./connection.ts";
import { Failure, failure } from "./failure.ts";
import { CONNACK, createReader, DISCONNECT, PINGREQ, PINGRESP, PUBACK, publishPacket } from "./mqtt.ts";
import type { Platform, Timer } from "./platform.ts";
import { CheckResult, resultObject } from "./report.ts";
import type { PublishReport } from "./result.ts";

/** Publishes `result`, sets its `delivery`, calls `show`; with everyMs, calls `again` (the next check) later. */
export type Publish = (result: CheckResult, show: () => void, again: () => void) => void;

/** The first wait before opening a lost connection again; it doubles up to RETRY_MAX_MS. */
export const RETRY_MS = 2000;
export const RETRY_MAX_MS = 300000;

/** CONNACK return codes 1-5 (MQTT 3.1.1, 3.2.2.3): the reason, and a hint; one string, every byte counts. */
const REFUSALS = (
  "unacceptable protocol version|Use MQTT 3.1.1.|identifier rejected|Check the client id.|server unavailable|Try later.|" +
  "bad user name or password|Check them.|not authorised|Check credentials, ACL or policy."
).split("|");

const refused = (detail: string, hint: string) => failure("MQTT_REFUSED", detail, hint);
const protocol = (detail: string) => failure("MQTT_PROTOCOL", detail);

/** `log` prints a line; nothing printed here holds the broker's password (it goes only into CONNECT). */
export function startPublisher(p: Platform, config: EmbeddedConfig, log: (line: string) => void): Publish {
  const broker = config.mqtt!;
  const name = broker.host + ":" + broker.port;
  const halfKeepAlive = broker.keepAlive * 500;
  // A copy of the broker's settings is tls.connect's options (it takes host and port, and ignores the rest).
  const options: TlsConnectOptions = Object.assign({}, broker) as TlsConnectOptions;
  // The broker's own certificate or key, else (absent) the check's, decoded; undefined for none.
  for (const field of ["ca", "cert", "key"] as const) {
    const value = (field in broker ? broker : config)[field];
    options[field] = value ? p.decode(value) : undefined;
  }
  // Unbound: the platform's are Espruino's global functions.
  const later = p.setTimeout;
  const stop = p.clearTimeout;
  // Mostly the broker's verdict on the client certificate (or on its absence).
  const certHint = (options.cert ? "Check the" : "Add a") + " client certificate.";

  /** The connection to the broker while one is open or being opened; null: none. */
  let link: Link | null = null;
  /** The broker accepted the connection (CONNACK 0). */
  let up = false;
  // Timers are 0 until set: clearTimeout(0) does nothing (timer ids start at 1), clearTimeout(undefined) throws.
  /** While CONNACK or PUBACK is due, the deadline; on an idle connection, the next PINGREQ. */
  let due: Timer = 0;
  /** PINGREQs unanswered: with a third, a whole keep-alive has passed and the broker counts as gone. */
  let pinged = 0;
  let retry: Timer = 0;
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
    if (link && !up) {
      later(next, HANDSHAKE_ERROR_GRACE_MS);
    } else {
      checking = true;
      again();
    }
  }

  function finish(failed: Failure | null): void {
    const report: PublishReport = { broker: name, topic: broker.topic, published: !failed };
    if (failed) {
      Object.assign(report, failed);
    } else {
      // The firmware that verified (or not) the check's server made this connection too.
      report.cert_verified = options.ca ? result!.certVerified : false;
    }
    report.ms = Math.round(p.now() - started);
    result!.delivery = report;
    result = null;
    if (broker.everyMs) later(next, broker.everyMs);
    else end(null);
    show();
  }

  /** The connection is over: fail the publish in flight; with everyMs, open it again later. */
  function lost(failed: Failure): void {
    if (result) finish(failed);
    else if (broker.everyMs) log("MQTT: " + failed.error + " " + failed.detail + "; again in " + backoff / 1000 + " s");
    if (!broker.everyMs) return;
    retry = later(() => {
      if (!checking) open();
    }, backoff);
    backoff = Math.min(backoff * 2, RETRY_MAX_MS);
  }

  /** The connection's end, once: with a failure (dropped at once), or null (DISCONNECT). */
  function end(failed: Failure | null): void {
    if (!link) return;
    // Uncaught errors were ours only until CONNACK (no check runs while connecting).
    if (!up) p.onUncaught(null);
    if (!failed) link.write(DISCONNECT);
    link.close(!!failed);
    link = null;
    up = false;
    stop(due);
    if (failed) lost(failed);
  }

  const expect = (what: string) => {
    due = later(() => end(failure("TIMEOUT", "no " + what + " in " + config.deadlineMs / 1000 + " s")), config.deadlineMs);
  };
  const send = () => {
    stop(due);
    link!.write(packet);
    expect("PUBACK");
  };
  /** The next PINGREQ, half a keep-alive from now (none with keep-alive 0). */
  const idle = () => {
    if (halfKeepAlive) due = later(beat, halfKeepAlive);
  };
  const beat = () => {
    if (pinged++ > 1) return end(failure("TIMEOUT", "no PINGRESP"));
    link!.write(PINGREQ);
    idle();
  };

  /** Opens the connection, unless one is open or being opened. */
  function open(): void {
    if (link) return;
    stop(retry);
    log("MQTT: " + name);
    pinged = 0;
    // After end() the rest of a chunk is not read.
    const read = createReader((type, a, b) => {
      if (!link) return;
      if (type === CONNACK && !up) {
        if (b) return end(b > 5 ? protocol("CONNACK " + b) : refused("CONNACK " + b + ": " + REFUSALS[b * 2 - 2], REFUSALS[b * 2 - 1]));
        up = true;
        backoff = RETRY_MS;
        p.onUncaught(null);
        stop(due);
        if (result) send();
        else idle();
      } else if (type === PUBACK && up && result && a * 256 + b === id) {
        stop(due);
        idle();
        finish(null);
      } else if (type === PINGRESP && up) {
        pinged = 0;
      } else {
        end(protocol("unexpected packet " + type));
      }
    });
    link = openTls(
      p,
      options,
      p.decode(broker.hello),
      (data) => {
        const problem = read(data);
        if (problem) end(protocol(problem));
      },
      () => {},
      // Closed by the broker or the network: what Espruino said, or where in the exchange it stopped.
      (failed, evidence) => {
        if (evidence.thrown || evidence.uncaught || evidence.socketError) {
          // A fatal alert (-0x7780; -30592 in a socket error after the handshake) or a hang-up (-0x1) in the handshake.
          if (/0x7780|-30592|-0x1$/.test(failed.detail)) failed.hint = certHint;
        } else {
          failed = up ? refused("closed" + (result ? " before PUBACK" : ""), REFUSALS[9]) : refused("closed before CONNACK", certHint);
        }
        end(failed);
      },
      () => up,
    );
    expect("CONNACK");
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
    // Opened from a timer, not inside the probe's callbacks, whose variables would stay locked in the store
    // while the TLS context is allocated (an ASSERT on the Linux build, measured on stock 2v29).
    else later(open, 0);
  };
}
