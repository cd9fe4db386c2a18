// Mosquitto (Debian's package) on loopback as the fleet's broker, for the
// fleet bench and the tests (test/support/mosquitto.ts): MQTT over TLS on a
// free port, a client certificate required, and an ACL that lets each device
// write only its own topic, espruino-tls-check/<user>/result, and named
// readers read them all. By default the certificate's common name is the user
// (`use_identity_as_username true`); with `passwords`, the MQTT user name and
// password are checked instead, against a password file.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { freePort } from "../lib/listen.ts";

export const MOSQUITTO = "/usr/sbin/mosquitto";
export const MOSQUITTO_PASSWD = "/usr/bin/mosquitto_passwd";

export interface MosquittoOptions {
  caPem: string;
  serverCertPem: string;
  serverKeyPem: string;
  /** Users (certificate common names, or user names with `passwords`) that may read every device's topic. */
  readers: string[];
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

/** Each device (user name = its certificate's common name) writes only its own result topic. */
export function deviceAcl(readers: string[]): string {
  return ["pattern write espruino-tls-check/%u/result", ...readers.flatMap((reader) => [`user ${reader}`, "topic read espruino-tls-check/#"]), ""].join("\n");
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

/**
 * Starts Mosquitto. Its files are world-readable in a world-readable folder:
 * started as root, Mosquitto 2.0 drops to its own user, which cannot read a
 * 0700 temporary folder. The folder (with the broker's own key) is removed
 * by stop().
 */
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

export async function startMosquitto(options: MosquittoOptions): Promise<Mosquitto> {
  if (!fs.existsSync(MOSQUITTO)) throw new Error(`${MOSQUITTO} is not installed (Debian package mosquitto)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mosquitto-"));
  fs.chmodSync(dir, 0o755);
  const port = await freePort();
  const files: Record<string, string> = {
    "ca.pem": options.caPem,
    "server.pem": options.serverCertPem,
    "server.key": options.serverKeyPem,
    acl: deviceAcl(options.readers),
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
