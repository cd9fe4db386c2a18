// process.memory()'s usage for one session, by the model in sizeof.ts: the
// interpreter at rest, the code loaded, the app's own globals and the open
// connections.
import { BASE_BLOCKS, codeBlocks, sizeOfValue } from "./sizeof.ts";
import type { Session } from "./session.ts";

export function estimateBlocks(session: Session): number {
  const appGlobals = session.realm.globalObject;
  const seen = new Set<object>();
  let globals = 0;
  for (const name of Object.getOwnPropertyNames(appGlobals)) {
    if (session.builtins.has(name)) continue;
    globals += 1 + sizeOfValue(appGlobals[name], seen);
  }
  let sockets = 0;
  for (const socket of session.sockets) sockets += socket.memoryBlocks();
  return BASE_BLOCKS + codeBlocks(session.codeLength) + globals + sockets;
}
