// Espruino's `require("tls")` module over node:tls: `connect()` as an
// Espruino board's (libs/network/jswrap_net.c, network.c), not Node's:
// - it takes options or a URL string; a wrong type prints an error and gives
//   undefined;
// - it resolves the name and connects TCP before returning, throwing
//   "Unable to locate host" / "Unable to create socket" (blocking-connect.ts);
// - certificates and keys arrive as decoded DER strings (tls-material.ts).
// The socket it returns is tls-socket.ts's. Measured on a real Linux build:
// docs/espruino-behaviour.md.
import { connectBlocking, type BlockingConnect } from "./blocking-connect.ts";
import type { FirmwareTls } from "./firmware.ts";
import { MaterialError, type Material, decodeMaterial } from "./tls-material.ts";
import { EspruinoTlsSocket, type TlsHandshake, type TlsHost } from "./tls-socket.ts";
import { parseUrl } from "./url-parse.ts";

export type { TlsHandshake, TlsHost } from "./tls-socket.ts";

/** "TLSv1.3, X25519MLKEM768, TLS_AES_128_GCM_SHA256". */
export function describeHandshake(handshake: TlsHandshake): string {
  return [handshake.protocol, handshake.group ?? "no key-exchange group", handshake.suite].join(", ");
}

export interface TlsOptions {
  firmware: FirmwareTls;
  /** Replaces the blocking reachability check (tests). */
  connect?: (host: string, port: number) => BlockingConnect;
}

/** Linux errno values for the connect() failures blocking-connect.ts reports. */
const ERRNO: Record<string, number> = { ECONNREFUSED: 111, ETIMEDOUT: 110, EHOSTUNREACH: 113, ENETUNREACH: 101, ECONNRESET: 104 };

export interface EspruinoTlsModule {
  connect(options: unknown, callback?: unknown): EspruinoTlsSocket | undefined;
}

export function createTlsModule(host: TlsHost, options: TlsOptions): EspruinoTlsModule {
  const connect = options.connect ?? ((hostName: string, port: number) => connectBlocking(hostName, port));
  return {
    connect(rawOptions: unknown, callback?: unknown) {
      // jswrap_net_connect accepts a URL string.
      const given = typeof rawOptions === "string" ? parseUrl(rawOptions) : rawOptions;
      if (typeof given !== "object" || given === null) {
        host.print(`ERROR: Expecting Options to be an Object but it was ${given === null ? "null" : typeof given}\n`);
        return undefined;
      }
      if (callback !== undefined && typeof callback !== "function") {
        host.print(`ERROR: Expecting Callback Function but got ${typeof callback}\n`);
        return undefined;
      }
      const fields = given as Record<string, unknown>;
      // clientRequestConnect: no host means 127.0.0.1; the name buffer holds 127 characters.
      const hostName = fields.host === undefined ? "127.0.0.1" : String(fields.host).substring(0, 127);
      const port = (Number(fields.port) & 0xffff) || 443;
      const reach = connect(hostName, port);
      if (reach.kind === "dns") throw host.newError("InternalError", "Unable to locate host");
      if (reach.kind === "refused") {
        // network_linux.c prints the errno of the failed connect() first (measured: "err 111").
        host.print(`ERROR: Connect failed (err ${ERRNO[reach.detail] ?? 111})\n`);
        throw host.newError("InternalError", "Unable to create socket");
      }
      let material: Material;
      try {
        material = decodeMaterial(fields);
      } catch (error) {
        if (error instanceof MaterialError) throw host.newError("InternalError", error.message);
        throw error;
      }
      const socket = new EspruinoTlsSocket(host, options.firmware, hostName, reach.address, port, material);
      socket.start(callback as ((...args: unknown[]) => unknown) | undefined);
      return socket;
    },
  };
}
