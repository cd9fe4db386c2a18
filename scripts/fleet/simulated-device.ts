// A device as the broker sees it, without the rest of the app: the device's
// own MQTT codec (app/mqtt.ts) over a real TLS connection (node:tls) with the
// device's client certificate. CONNECT, CONNACK, one PUBLISH at QoS 1, its
// PUBACK, DISCONNECT. For the fleet bench and the fleet view's tests.
import tls from "node:tls";
import { CONNACK, connectPacket, createReader, DISCONNECT, PUBACK, publishPacket } from "../../app/mqtt.ts";

export interface SimulatedDevice {
  /** Client id; the certificate's common name is what Mosquitto takes as the user name. */
  clientId: string;
  certPem: string;
  keyPem: string;
}

export interface BrokerEndpoint {
  host: string;
  port: number;
  caPem: string;
}

/** The codec writes binary strings, one character a byte, as Espruino's sockets take them. */
const bytes = (packet: string): Buffer => Buffer.from(packet, "latin1");

/** The topic a device publishes to by default (app/config.ts MQTT_DEFAULTS). */
export const resultTopic = (clientId: string): string => `espruino-tls-check/${clientId}/result`;

/**
 * Connects, publishes `payload` to `topic` at QoS 1 and resolves once the
 * broker's PUBACK is in (then DISCONNECT); rejects with the reason otherwise,
 * or after `timeoutMs`.
 */
export function publishAsDevice(broker: BrokerEndpoint, device: SimulatedDevice, topic: string, payload: string, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: broker.host, port: broker.port, ca: broker.caPem, cert: device.certPem, key: device.keyPem });
    let done = false;
    const finish = (error: Error | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (error) {
        socket.destroy();
        reject(new Error(`${device.clientId}: ${error.message}`));
      } else {
        socket.end(bytes(DISCONNECT));
        resolve();
      }
    };
    const timer = setTimeout(() => finish(new Error(`no PUBACK in ${timeoutMs / 1000} s`)), timeoutMs);
    const read = createReader((type, a, b) => {
      if (type === CONNACK) {
        if (b !== 0) return finish(new Error(`CONNACK ${b}: refused`));
        socket.write(bytes(publishPacket(topic, payload, 1)));
      } else if (type === PUBACK && a * 256 + b === 1) {
        finish(null);
      }
    });
    socket.on("secureConnect", () => socket.write(bytes(connectPacket(device.clientId, 60))));
    socket.on("data", (data: Buffer) => {
      const problem = read(data.toString("latin1"));
      if (problem) finish(new Error(problem));
    });
    socket.on("error", (error) => finish(error));
    socket.on("close", () => finish(new Error("closed before PUBACK")));
  });
}
