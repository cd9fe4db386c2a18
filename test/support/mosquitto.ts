// The tests' Mosquitto (Debian's package, installed by .ci/run): MQTT over
// TLS on a free loopback port, a client certificate required
// (`require_certificate true`) from the test PKI's CA, and an ACL that lets
// each device write only its own topic, espruino-tls-check/<user>/result,
// and the named readers read them all. By default the certificate's common
// name is the user (`use_identity_as_username true`); with `passwords`, the
// MQTT user name and password are checked instead, against a password file.
//
// Its files are world-readable in a world-readable folder: started as root,
// Mosquitto 2.0 drops to its own user, which cannot read a 0700 temporary
// folder. stop() removes the folder (with the broker's own key).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { follow, type FollowedChild } from "./run-script.ts";
import type { TestPki } from "./tls-servers.ts";

export const MOSQUITTO = "/usr/sbin/mosquitto";
const MOSQUITTO_PASSWD = "/usr/bin/mosquitto_passwd";
const MOSQUITTO_SUB = "/usr/bin/mosquitto_sub";

/** Debian's mosquitto (the broker, mosquitto_passwd) and mosquitto-clients (mosquitto_sub). */
export const mosquittoInstalled = (): boolean => [MOSQUITTO, MOSQUITTO_PASSWD, MOSQUITTO_SUB].every((file) => fs.existsSync(file));

export interface MosquittoOptions {
  /** Users (certificate common names, or user names with `passwords`) that may read every device's topic. Default: ["reader"]. */
  readers?: string[];
  /** User name -> password: check these instead of taking the certificate's common name as the user. */
  passwords?: Record<string, string>;
}

export interface Mosquitto {
  port: number;
  /** What Mosquitto has logged so far. */
  log(): string;
  /** Stops it and starts it again on the same port (a broker restart). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Each device writes only its own result topic; readers read all. */
export function deviceAcl(readers: string[]): string {
  return ["pattern write espruino-tls-check/%u/result", ...readers.flatMap((reader) => [`user ${reader}`, "topic read espruino-tls-check/#"]), ""].join("\n");
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Waits (bounded) until something accepts TCP connections on the port. */
async function listening(port: number, child: ChildProcess): Promise<void> {
  const until = performance.now() + 10_000;
  while (performance.now() < until) {
    if (child.exitCode !== null) throw new Error(`mosquitto exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => {
        socket.destroy();
        resolve(true);
      });
      socket.on("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`mosquitto did not listen on ${port}`);
}

function configFile(dir: string, port: number, options: MosquittoOptions): string {
  const auth = options.passwords ? [`password_file ${dir}/passwords`, "allow_anonymous false"] : ["use_identity_as_username true"];
  return [
    `listener ${port} 127.0.0.1`,
    `cafile ${dir}/ca.pem`,
    `certfile ${dir}/server.pem`,
    `keyfile ${dir}/server.key`,
    "require_certificate true",
    ...auth,
    `acl_file ${dir}/acl`,
    "persistence false",
    "log_dest stderr",
    "",
  ].join("\n");
}

function writePasswords(file: string, passwords: Record<string, string>): void {
  fs.writeFileSync(file, "", { mode: 0o644 });
  for (const [user, password] of Object.entries(passwords)) {
    const made = spawnSync(MOSQUITTO_PASSWD, ["-b", file, user, password], { timeout: 10_000 });
    if (made.status !== 0) throw new Error(`mosquitto_passwd: ${made.stderr}`);
  }
  fs.chmodSync(file, 0o644);
}

/** `options` may be the readers alone (as the fleet view's tests give them). */
export async function startTestMosquitto(pki: TestPki, given: MosquittoOptions | string[] = {}): Promise<Mosquitto> {
  const options: MosquittoOptions = Array.isArray(given) ? { readers: given } : given;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mosquitto-"));
  fs.chmodSync(dir, 0o755);
  const port = await freePort();
  const files: Record<string, string> = {
    "ca.pem": pki.ca.certPem,
    "server.pem": pki.server.certPem,
    "server.key": pki.server.keyPem,
    acl: deviceAcl(options.readers ?? ["reader"]),
    "mosquitto.conf": configFile(dir, port, options),
  };
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text, { mode: 0o644 });
  if (options.passwords) writePasswords(path.join(dir, "passwords"), options.passwords);
  let log = "";
  let child: ChildProcess;
  const launch = async () => {
    child = spawn(MOSQUITTO, ["-c", path.join(dir, "mosquitto.conf")], { stdio: ["ignore", "ignore", "pipe"] });
    child.stderr?.on("data", (data: Buffer) => (log += data.toString()));
    try {
      await listening(port, child);
    } catch (error) {
      child.kill("SIGKILL");
      throw new Error(`${(error as Error).message}\n${log}`);
    }
  };
  const halt = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  };
  try {
    await launch();
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    log: () => log,
    restart: async () => {
      await halt();
      await launch();
    },
    stop: async () => {
      await halt();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
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
