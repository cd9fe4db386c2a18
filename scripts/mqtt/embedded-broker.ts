// npm start's own MQTT broker, for a first try with nothing installed: aedes
// (an MQTT 3.1.1 broker in Node) behind node:tls on loopback, with mutual TLS
// as a real deployment has it. It presents the development PKI's server
// certificate (names localhost and 127.0.0.1) and takes only clients whose
// certificate that PKI's CA issued (scripts/checker/dev-pki.ts). It keeps
// nothing on disk; subscribing here is in-process.
import net from "node:net";
import tls from "node:tls";
import { Aedes } from "aedes";

export interface BrokerPki {
  caPem: string;
  serverCertPem: string;
  serverKeyPem: string;
}

export interface BrokerMessage {
  topic: string;
  payload: Buffer;
}

export interface EmbeddedBroker {
  /** mqtts://localhost:PORT, the name its certificate carries. */
  url: string;
  port: number;
  /** Calls `onMessage` with each message published on `topic` (wildcards allowed) from now on. */
  subscribe(topic: string, onMessage: (message: BrokerMessage) => void): Promise<void>;
  close(): Promise<void>;
}

export async function startEmbeddedBroker(pki: BrokerPki): Promise<EmbeddedBroker> {
  const aedes = await Aedes.createBroker({ heartbeatInterval: 3_600_000 });
  const server = tls.createServer(
    { key: pki.serverKeyPem, cert: pki.serverCertPem, ca: pki.caPem, requestCert: true, rejectUnauthorized: true },
    (socket) => aedes.handle(socket),
  );
  // A refused client certificate is the client's problem; it learns of it from the alert.
  server.on("tlsClientError", () => {});
  const sockets = new Set<net.Socket>();
  server.on("connection", (socket: net.Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `mqtts://localhost:${port}`,
    port,
    subscribe: (topic, onMessage) =>
      new Promise((resolve) =>
        aedes.subscribe(
          topic,
          (packet, done) => {
            onMessage({ topic: packet.topic, payload: Buffer.from(packet.payload) });
            done();
          },
          () => resolve(),
        ),
      ),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
    },
  };
}
