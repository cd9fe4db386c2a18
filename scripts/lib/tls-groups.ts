// Which TLS key-exchange groups this Node's OpenSSL can use. The hybrid
// X25519MLKEM768 needs OpenSSL 3.5, which comes with Node 24: `npm ci`
// installs that Node as the project's own (the npm package `node`) and every
// npm script runs on it. A tool started some other way, on an older Node,
// says so in one line instead of failing inside OpenSSL.
import tls from "node:tls";

/** The hybrid group the wolfSSL firmware offers first (codepoint 0x11EC). */
export const HYBRID_GROUP = "X25519MLKEM768";

const usable = new Map<string, boolean>();

/** Whether OpenSSL accepts `name` (e.g. "X25519MLKEM768", "P-256") as a key-exchange group. */
export function hasGroup(name: string): boolean {
  let known = usable.get(name);
  if (known === undefined) {
    try {
      tls.createSecureContext({ ecdhCurve: name });
      known = true;
    } catch {
      known = false;
    }
    usable.set(name, known);
  }
  return known;
}

/** Why this Node cannot use `group` (by default the hybrid one), or null when it can. */
export function groupProblem(group = HYBRID_GROUP): string | null {
  if (hasGroup(group)) return null;
  return (
    `this Node (${process.version}, OpenSSL ${process.versions.openssl}) has no ${group}: run the tools through npm ` +
    "(npm start, npm test), which use the project's Node 24 from node_modules; if `npm ci` skipped install scripts, run `npm rebuild node`"
  );
}
