// The fleet view's one connection to the broker, with the `mqtt` package:
// MQTT 3.1.1 over TLS with the broker's CA pinned and our client
// certificate, subscribed at QoS 1 to the topic filter. The first connection
// either succeeds or fails with one line that says why; once up, a lost
// connection is opened again every few seconds (and the subscription renewed)
// while the caller hears about it.
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import type { FleetOptions } from "./options.ts";

/** How long the first connection (TCP, TLS, CONNACK) may take. */
export const CONNECT_TIMEOUT_MS = 10_000;
/** The wait between attempts once a connection that worked is lost. */
export const RECONNECT_MS = 2_000;

/** The broker cannot be reached, or refuses us: the message is one line for the user. */
export class BrokerError extends Error {
  override name = "BrokerError";
}

export interface SubscriptionEvents {
  message(topic: string, payload: Buffer): void;
  /** The connection went down (with why) or came back (null). */
  connection(lost: string | null): void;
}

export interface Subscription {
  readonly connected: boolean;
  close(): Promise<void>;
}

/** CONNACK return codes 1-5 (MQTT 3.1.1, 3.2.2.3) and what to do about them. */
const REFUSALS: Record<number, string> = {
  1: "unacceptable protocol version (it does not speak MQTT 3.1.1)",
  2: "identifier rejected (try another --client-id)",
  3: "server unavailable (try later)",
  4: "bad user name or password (check --username and MQTT_PASSWORD)",
  5: "not authorised (check the broker's ACL or policy for our certificate or user name)",
};

/** Codes Node gives when the broker's certificate does not verify against the pinned CA. */
const VERIFY_CODES = /^(UNABLE_TO_|SELF_SIGNED_CERT|DEPTH_ZERO_SELF_SIGNED|CERT_|ERR_TLS_CERT_ALTNAME_INVALID)/;
/** Alerts a broker sends when it refuses our client certificate (or its absence). */
const CLIENT_CERT_ALERTS = /ALERT_(CERTIFICATE_REQUIRED|BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_UNKNOWN|HANDSHAKE_FAILURE|ACCESS_DENIED|DECRYPT_ERROR)/;

const certAdvice = (options: FleetOptions): string =>
  options.cert ? `it may not accept our client certificate (${options.files.cert})` : "it may need a client certificate (--cert, --key)";

/** What the broker's alert says about our client certificate. */
function alertAdvice(code: string, options: FleetOptions): string {
  if (code.endsWith("CERTIFICATE_REQUIRED")) return "it requires a client certificate (--cert, --key)";
  if (code.endsWith("UNKNOWN_CA")) return `it does not trust the CA that issued our client certificate (${options.files.cert})`;
  return certAdvice(options);
}

/** Why the first connection failed, in one line. */
export function explainFailure(error: Error & { code?: string | number }, options: FleetOptions): string {
  const at = options.broker.name;
  const code = error.code;
  if (typeof code === "number") return `the broker at ${at} refused us: ${REFUSALS[code] ?? `CONNACK return code ${code}`}`;
  switch (code) {
    case "ECONNREFUSED":
      return `cannot reach the broker: nothing listens at ${at} (connection refused)`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `cannot reach the broker: no such host ${options.broker.host}`;
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `cannot reach the broker at ${at} (${code})`;
    case "ECONNRESET":
    case "EPIPE":
      return `the broker at ${at} closed the connection during the handshake: ${certAdvice(options)}`;
  }
  if (code && VERIFY_CODES.test(code)) return `the broker at ${at} is not who it should be: its certificate does not verify against --ca ${options.files.ca} (${error.message})`;
  if (code && CLIENT_CERT_ALERTS.test(code)) return `the broker at ${at} refused the TLS handshake: ${alertAdvice(code, options)} (${code})`;
  if (/connack timeout/i.test(error.message)) {
    return `the broker at ${at} accepted the connection but sent no CONNACK in ${CONNECT_TIMEOUT_MS / 1000} s (is it an MQTT broker?)`;
  }
  return `cannot connect to the broker at ${at}: ${error.message}${code ? ` (${code})` : ""}`;
}

function clientOptions(options: FleetOptions): IClientOptions {
  return {
    protocol: "mqtts",
    host: options.broker.host,
    port: options.broker.port,
    ca: options.ca,
    cert: options.cert,
    key: options.key,
    rejectUnauthorized: true,
    protocolVersion: 4,
    clientId: options.clientId,
    username: options.username,
    password: options.password,
    clean: true,
    keepalive: 30,
    connectTimeout: CONNECT_TIMEOUT_MS,
    reconnectPeriod: RECONNECT_MS,
    resubscribe: true,
  };
}

/** Subscribes `client` to the filter at QoS 1; a refusal (SUBACK 0x80) is a BrokerError. */
async function subscribeTo(client: MqttClient, options: FleetOptions): Promise<void> {
  const granted = await client.subscribeAsync(options.topic, { qos: 1 });
  if (granted.some((grant) => grant.qos === 128)) {
    throw new BrokerError(`the broker at ${options.broker.name} refused our subscription to ${options.topic} (does its ACL let us read it?)`);
  }
}

/** Connects and subscribes; rejects with a BrokerError when the first connection fails. */
export function subscribe(options: FleetOptions, events: SubscriptionEvents): Promise<Subscription> {
  const client = mqtt.connect(clientOptions(options));
  let up = false;
  let down = false;
  let closing = false;
  let lastError: Error | null = null;
  const subscription: Subscription = {
    get connected() {
      return client.connected;
    },
    close: () => {
      closing = true;
      return client.endAsync(!client.connected);
    },
  };
  client.on("message", (topic, payload) => events.message(topic, payload));
  return new Promise<Subscription>((resolve, reject) => {
    let refused = false;
    /** The first connection failed: once, with the first reason (an error and then the close both say so). */
    const failed = (why: string) => {
      if (up || refused) return;
      refused = true;
      client.removeAllListeners("connect");
      client.end(true);
      reject(new BrokerError(why));
    };
    client.on("error", (error) => {
      lastError = error;
      failed(explainFailure(error, options));
    });
    // A broker that refuses our certificate may just hang up, with no error to say why.
    client.on("close", () => {
      if (!up) return failed(lastError ? explainFailure(lastError, options) : `the broker at ${options.broker.name} closed the connection before CONNACK: ${certAdvice(options)}`);
      // Once per outage, not at every attempt to reconnect; not when we hang up.
      if (down || closing) return;
      down = true;
      events.connection(lastError ? lastError.message : "the broker closed the connection");
    });
    client.on("connect", () => {
      lastError = null;
      if (up) {
        down = false;
        return events.connection(null);
      }
      subscribeTo(client, options).then(
        () => {
          up = true;
          resolve(subscription);
        },
        (error: Error) => failed(error instanceof BrokerError ? error.message : explainFailure(error, options)),
      );
    });
  });
}
