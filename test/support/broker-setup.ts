// What a test of `npm run upload` with a broker needs around the device: the
// test Mosquitto (test/support/mosquitto.ts), the local checker, the PEM
// files the upload names (the CA, the device's certificate, one from another
// CA, a reader's), an empty configuration file, and mosquitto_sub readers on
// the device's topic, all stopped by close().
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Checker, startChecker } from "../../scripts/checker/server.ts";
import { issueLeaf } from "../../scripts/certs/issue.ts";
import { mosquittoSub, startTestMosquitto, type Mosquitto } from "./mosquitto.ts";
import type { FollowedChild } from "./run-script.ts";
import { createTestPki } from "./tls-servers.ts";

/** The device's topic: the test PKI's client certificate is named device-01. */
export const DEVICE_TOPIC = "espruino-tls-check/device-01/result";

export interface BrokerSetup {
  broker: Mosquitto;
  checker: Checker;
  files: { ca: string; device: string; deviceKey: string; stranger: string; strangerKey: string; config: string };
  /** The upload's flags for the check and the broker, the client certificate under `certFlags` (--cert/--key or --mqtt-cert/--mqtt-key). */
  uploadArgs(port: string, cert: string, key: string, certFlags?: ["--cert", "--key"] | ["--mqtt-cert", "--mqtt-key"]): string[];
  /** mosquitto_sub on the device's topic as the reader, subscribed; stopped by stopReaders() or close(). */
  reader(): Promise<FollowedChild>;
  stopReaders(): Promise<void>;
  close(): Promise<void>;
}

export async function startBrokerSetup(): Promise<BrokerSetup> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "broker-setup-"));
  const pki = await createTestPki();
  const reader = await issueLeaf(pki.ca, "client", { commonName: "reader" });
  const stranger = await issueLeaf(pki.otherCa, "client", { commonName: "device-01" });
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  const files = {
    ca: write("ca.pem", pki.ca.certPem),
    device: write("device.pem", pki.client.certPem),
    deviceKey: write("device-key.pem", pki.client.keyPem),
    stranger: write("stranger.pem", stranger.certPem),
    strangerKey: write("stranger-key.pem", stranger.keyPem),
    // An explicit, empty configuration file: a developer's app.config.json must not leak in.
    config: write("empty.config.json", "{}\n"),
  };
  const readerFiles = { ca: files.ca, cert: write("reader.pem", reader.certPem), key: write("reader-key.pem", reader.keyPem) };
  const broker = await startTestMosquitto(pki);
  const checker = await startChecker({ pki: { caPem: pki.ca.certPem, serverCertPem: pki.server.certPem, serverKeyPem: pki.server.keyPem } });
  const readers: FollowedChild[] = [];
  const stopReaders = async () => {
    for (const subscriber of readers.splice(0)) {
      if (subscriber.child.exitCode === null) subscriber.child.kill("SIGKILL");
      await subscriber.exited;
    }
  };
  return {
    broker,
    checker,
    files,
    uploadArgs: (port, cert, key, certFlags = ["--cert", "--key"]) => [
      ...["--port", port, "--config", files.config, "--url", checker.url, "--ca", files.ca],
      ...["--mqtt", `mqtts://localhost:${broker.port}`, "--mqtt-ca", files.ca, certFlags[0], cert, certFlags[1], key],
    ],
    reader: async () => {
      const subscriber = await mosquittoSub(broker.port, readerFiles, DEVICE_TOPIC);
      readers.push(subscriber);
      return subscriber;
    },
    stopReaders,
    close: async () => {
      await stopReaders();
      await checker.close();
      await broker.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
