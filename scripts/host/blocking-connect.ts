// A blocking "can I reach HOST:PORT?" check. Espruino's `tls.connect` resolves
// the name and opens the TCP connection before it returns, and throws when
// either fails; Node can only find out asynchronously. So a helper thread
// resolves the name and opens a TCP connection while this thread waits on
// Atomics.wait. The price: the server sees one extra TCP connection that
// opens and closes without sending anything, just before the real one.
import { MessageChannel, Worker, receiveMessageOnPort } from "node:worker_threads";

export type BlockingConnect =
  | { kind: "ok"; address: string }
  | { kind: "dns"; detail: string }
  | { kind: "refused"; detail: string };

/** Runs in the helper thread (plain CommonJS, no loader needed). */
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const dns = require("node:dns");
const net = require("node:net");
parentPort.on("message", ({ host, port, timeoutMs, signal, reply }) => {
  let sent = false;
  const done = (result) => {
    if (sent) return;
    sent = true;
    reply.postMessage(result);
    reply.close();
    Atomics.store(signal, 0, 1);
    Atomics.notify(signal, 0);
  };
  // Espruino resolves IPv4 only (gethostbyname).
  dns.lookup(host, { family: 4 }, (error, address) => {
    if (error) return done({ kind: "dns", detail: error.code || String(error) });
    const socket = net.connect({ host: address, port });
    const timer = setTimeout(() => { socket.destroy(); done({ kind: "refused", detail: "ETIMEDOUT" }); }, timeoutMs);
    socket.once("connect", () => { clearTimeout(timer); socket.destroy(); done({ kind: "ok", address }); });
    socket.once("error", (e) => { clearTimeout(timer); done({ kind: "refused", detail: e.code || String(e) }); });
  });
});
`;

let worker: Worker | null = null;

function helper(): Worker {
  if (!worker) {
    // execArgv: [] keeps loaders such as tsx out of this small thread.
    worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [] });
    worker.unref();
    worker.on("error", () => {
      worker = null;
    });
    worker.on("exit", () => {
      worker = null;
    });
  }
  return worker;
}

/** Resolve `host` (IPv4) and try a TCP connection to it, blocking this thread until done. */
export function connectBlocking(host: string, port: number, timeoutMs = 10_000): BlockingConnect {
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  helper().postMessage({ host, port, timeoutMs, signal, reply: port2 }, [port2]);
  Atomics.wait(signal, 0, 0, timeoutMs + 10_000);
  const message = receiveMessageOnPort(port1);
  port1.close();
  if (!message) return { kind: "refused", detail: "no answer from the connecting thread" };
  return message.message as BlockingConnect;
}

/** Stops the helper thread (tests and CLIs that want a clean exit). */
export async function stopBlockingConnects(): Promise<void> {
  const current = worker;
  worker = null;
  if (current) await current.terminate();
}
