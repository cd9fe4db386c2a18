// require() and the built-in modules it knows, as the Linux build has them:
// Storage and tls (no Wifi, no http). Anything else throws
// `Module "X" not found`; a module is made once per session.
import { toBinaryString } from "../binary-string.ts";
import { firmwareTls } from "../firmware.ts";
import { StorageError, createStorage } from "../storage.ts";
import { createTlsModule, type TlsHost } from "../tls.ts";
import type { Callable } from "../event-listeners.ts";
import type { GlobalScope, RuntimeServices } from "./runtime-services.ts";

/** require("Storage"): the device's Storage, with the app's realm's arrays and errors. */
function storageModule(runtime: RuntimeServices): object {
  const realm = runtime.session.helpers;
  const storage = createStorage(runtime.storage, toBinaryString, (text) => realm.parseJson(text), (value) => realm.stringify(value) ?? "");
  const wrapped = realm.object({ ...storage, list: (pattern?: RegExp | string) => realm.array(storage.list(pattern)) });
  // StorageError -> an Espruino error of the app's realm.
  for (const [key, method] of Object.entries(wrapped)) {
    if (typeof method !== "function") continue;
    (wrapped as Record<string, unknown>)[key] = (...args: unknown[]) => {
      try {
        return (method as Callable)(...args);
      } catch (error) {
        if (error instanceof StorageError) throw realm.newError("Error", error.message);
        throw error;
      }
    };
  }
  return wrapped;
}

/** require("tls"): the firmware's TLS client over node:tls, or the module the options put in its place. */
function tlsModule(runtime: RuntimeServices): unknown {
  const { options, session } = runtime;
  if (options.noTls) return undefined;
  if (options.tls) return options.tls;
  const realm = session.helpers;
  const host: TlsHost = {
    queue: (task) => session.enqueue(task),
    raise: (error) => session.enqueue(() => runtime.reportUncaught(error)),
    newError: (type, message) => realm.newError(type, message),
    newObject: (fields) => realm.object(fields),
    print: (text) => runtime.write(text),
    track: (socket) => session.sockets.add(socket),
    untrack: (socket) => session.sockets.delete(socket),
    // Certificate dates are judged by the device's clock, as mbedTLS does on a board.
    now: () => runtime.clock.now(),
    onHandshake: options.onTlsHandshake,
  };
  const module = createTlsModule(host, { firmware: firmwareTls(options.firmware), connect: options.connect });
  return realm.object({ connect: module.connect });
}

function createModule(runtime: RuntimeServices, id: string): unknown {
  if (id === "Storage") return storageModule(runtime);
  if (id === "tls") return tlsModule(runtime);
  return undefined;
}

export function installRequire(globals: GlobalScope, runtime: RuntimeServices): void {
  const { session } = runtime;
  globals.require = (name: unknown) => {
    const id = String(name);
    const cached = session.modules.get(id);
    if (cached) return cached;
    const module = createModule(runtime, id);
    if (module === undefined) throw session.helpers.newError("Error", `Module ${JSON.stringify(id)} not found`);
    session.modules.set(id, module);
    return module;
  };
}
