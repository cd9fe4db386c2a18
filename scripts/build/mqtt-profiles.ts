// Broker profiles (--mqtt-profile), as data: what a kind of broker expects
// of a device, turned into MQTT settings by scripts/build/broker.ts. In the
// templates, {host} is the broker's host name and {device} the client id.
// docs/mqtt.md says what each broker needs and why.

export interface MqttProfile {
  /** One line for --help. */
  title: string;
  /** The root to pin for the broker when --mqtt-ca is not given (a file in certs/); absent: the check's CA. */
  ca?: string;
  /** Where the client id comes from without --mqtt-client-id: the client certificate's common name, or it must be given. */
  clientId: "certificate-name" | "required";
  /** The MQTT user name, when the broker wants one (--mqtt-username overrides it). */
  username?: string;
  /** The topic without --mqtt-topic. */
  topic: string;
  /** How the broker authenticates a device: anything the broker accepts, a client certificate, or either a certificate or a password (a token). */
  auth: "any" | "certificate" | "certificate-or-password";
  /** The only port it takes MQTT over TLS on from a device like this, if any. */
  port?: number;
  /** It routes connections by the TLS server name (SNI): a host name, not an IP address. */
  sni?: boolean;
}

export const MQTT_PROFILES = {
  generic: {
    title: "Mosquitto and other MQTT 3.1.1 brokers",
    clientId: "certificate-name",
    topic: "espruino-tls-check/{device}/result",
    auth: "any",
  },
  "azure-iot-hub": {
    title: "Azure IoT Hub: client id = device id, an X.509 certificate or a SAS token (MQTT_PASSWORD)",
    ca: "digicert-global-root-g2.pem",
    clientId: "certificate-name",
    username: "{host}/{device}/?api-version=2021-04-12",
    topic: "devices/{device}/messages/events/",
    auth: "certificate-or-password",
  },
  "aws-iot": {
    title: "AWS IoT Core: client id = thing name, an X.509 certificate, port 8883, SNI",
    ca: "amazon-root-ca-1.pem",
    clientId: "required",
    topic: "espruino-tls-check/{device}/result",
    auth: "certificate",
    port: 8883,
    sni: true,
  },
} satisfies Record<string, MqttProfile>;

export type MqttProfileName = keyof typeof MQTT_PROFILES;

/** A template with {host} and {device} filled in. */
export function fillTemplate(template: string, names: { host: string; device: string }): string {
  return template.replace(/\{host\}/g, () => names.host).replace(/\{device\}/g, () => names.device);
}
