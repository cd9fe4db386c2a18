// The tests' Mosquitto: the one starter (scripts/fleet/mosquitto.ts, which the
// fleet bench uses too) given the test PKI's CA and server certificate.
// Mutual TLS on loopback, the certificate's common name as the user name, and
// an ACL that lets each device write only its own topic and `readers` read all.
import fs from "node:fs";
import { MOSQUITTO, startMosquitto, type Mosquitto } from "../../scripts/fleet/mosquitto.ts";
import type { TestPki } from "./tls-servers.ts";

export type { Mosquitto };
export { MOSQUITTO };

export const mosquittoInstalled = (): boolean => fs.existsSync(MOSQUITTO);

export function startTestMosquitto(pki: TestPki, readers: string[] = ["reader"]): Promise<Mosquitto> {
  return startMosquitto({ caPem: pki.ca.certPem, serverCertPem: pki.server.certPem, serverKeyPem: pki.server.keyPem, readers });
}
