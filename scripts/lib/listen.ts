// Listening addresses for the servers the tools start (the checker for a
// board, the virtual device): checked before anything is written for them,
// and every way a listen fails said in one line that names the flag to change.
import { lookup } from "node:dns/promises";
import net from "node:net";
import { UsageError } from "./command.ts";

export interface ListenFlags {
  /** How the user names the address and the port, e.g. "--host" and "--port", or "--listen" for both. */
  hostFlag: string;
  portFlag: string;
}

/** Why a listen on host:port failed, in one line; null for an error this does not know. */
export function listenFailure(error: NodeJS.ErrnoException, host: string, port: number, flags: ListenFlags): string | null {
  switch (error.code) {
    case "EADDRINUSE":
      return `${flags.portFlag} ${port}: port ${port} on ${host} is already in use (another checker or virtual device?)`;
    case "EACCES":
      return `${flags.portFlag} ${port}: permission denied (ports below 1024 need privileges)`;
    case "EADDRNOTAVAIL":
      return `${flags.hostFlag} ${host}: not an address of this machine (use one of its own, 127.0.0.1, or 0.0.0.0 for all)`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `${flags.hostFlag} ${host}: no such host (this machine cannot resolve it); use one of its addresses, or 0.0.0.0 for all`;
    default:
      return null;
  }
}

/** A port nothing listens on right now (the system picks it), for a server to take next or to be refused. */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A port near `from` that is free on `host` right now (for a suggestion), or null. */
export async function freePortNear(host: string, from: number): Promise<number | null> {
  for (let port = from + 1; port <= Math.min(from + 20, 65535); port++) {
    if ((await tryListen(host, port)) === null) return port;
  }
  return null;
}

/** Listens on host:port and closes again: null when that worked, else why not. */
function tryListen(host: string, port: number): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", (error: NodeJS.ErrnoException) => resolve(error));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(null)));
  });
}

/**
 * Makes sure a server can listen on host:port before anything is prepared
 * for it (certificates naming the host, files): the host resolves and belongs
 * to this machine, and the port is free. Throws a UsageError that says which
 * flag to change, with a free port to try when the port is taken.
 */
export async function checkListenAddress(host: string, port: number, flags: ListenFlags): Promise<void> {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`${flags.portFlag} must be 0-65535, not ${port}`);
  if (net.isIP(host) === 0) {
    try {
      await lookup(host);
    } catch (error) {
      throw new UsageError(listenFailure(error as NodeJS.ErrnoException, host, port, flags) ?? `${flags.hostFlag} ${host}: ${(error as Error).message}`);
    }
  }
  const error = await tryListen(host, port);
  if (error === null) return;
  const message = listenFailure(error, host, port, flags) ?? `cannot listen on ${host}:${port}: ${error.message}`;
  const free = error.code === "EADDRINUSE" ? await freePortNear(host, port) : null;
  throw new UsageError(free === null ? message : `${message}; try ${flags.portFlag} ${free}`);
}
