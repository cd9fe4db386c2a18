// The tests' Mosquitto: the one starter (scripts/fleet/mosquitto.ts, which the
// fleet bench uses too) given the test PKI's CA and server certificate; and
// mosquitto_sub, Mosquitto's own subscriber, to read what a device published.
import { spawn } from "node:child_process";
import fs from "node:fs";
import { MOSQUITTO, MOSQUITTO_PASSWD, startMosquitto, type Mosquitto, type MosquittoOptions } from "../../scripts/fleet/mosquitto.ts";
import { follow, type FollowedChild } from "./run-script.ts";
import type { TestPki } from "./tls-servers.ts";

export type { Mosquitto };
export { MOSQUITTO };
const MOSQUITTO_SUB = "/usr/bin/mosquitto_sub";

/** Debian's mosquitto (the broker, mosquitto_passwd) and mosquitto-clients (mosquitto_sub). */
export const mosquittoInstalled = (): boolean => [MOSQUITTO, MOSQUITTO_PASSWD, MOSQUITTO_SUB].every((file) => fs.existsSync(file));

/** `given` may be the readers alone (as the fleet view's tests give them); "reader" by default. */
export function startTestMosquitto(pki: TestPki, given: Partial<Pick<MosquittoOptions, "readers" | "passwords">> | string[] = {}): Promise<Mosquitto> {
  const options = Array.isArray(given) ? { readers: given } : given;
  return startMosquitto({
    caPem: pki.ca.certPem,
    serverCertPem: pki.server.certPem,
    serverKeyPem: pki.server.keyPem,
    readers: options.readers ?? ["reader"],
    passwords: options.passwords,
  });
}

/** PEM files a subscriber connects with: the broker's CA, and a reader's certificate and key. */
export interface ReaderFiles {
  ca: string;
  cert: string;
  key: string;
}

/**
 * mosquitto_sub, Mosquitto's own subscriber, on `topic` as a reader: resolves
 * once the broker acknowledged the subscription; it prints the first message
 * and exits (or gives up after a minute). The caller kills it if it is still
 * running at the end of the test.
 */
export async function mosquittoSub(port: number, files: ReaderFiles, topic: string): Promise<FollowedChild> {
  const args = ["-h", "localhost", "-p", String(port), "--cafile", files.ca, "--cert", files.cert, "--key", files.key, "-V", "mqttv311", "-t", topic, "-C", "1", "-W", "60", "-d"];
  // Line-buffered (stdbuf): into a pipe it would otherwise keep its debug lines until it exits.
  const subscriber = follow(spawn("stdbuf", ["-oL", MOSQUITTO_SUB, ...args], { stdio: ["pipe", "pipe", "pipe"] }));
  try {
    await subscriber.waitFor("stdout", /received SUBACK/i, 20_000);
  } catch (error) {
    subscriber.child.kill("SIGKILL");
    throw error;
  }
  return subscriber;
}

/** The JSON payload mosquitto_sub printed (its other lines are its debug output). */
export function receivedJson(subscriber: FollowedChild): string | undefined {
  return subscriber
    .stdout()
    .split("\n")
    .find((line) => line.startsWith("{"));
}
