// The app's realm: a fresh `vm` context with Espruino's InternalError and
// without the built-ins V8 has and Espruino lacks, and the few helpers that
// make objects and errors belonging to that realm (an app's `instanceof
// Object` or `instanceof Error` sees only its own realm's).
import vm from "node:vm";

/** The few context-realm helpers, created inside each fresh context. */
export interface RealmHelpers {
  newError(type: string, message: string): object;
  object<T extends object>(fields: T): T;
  array<T>(items: T[]): T[];
  parseJson(text: string): unknown;
  stringify(value: unknown): string | undefined;
}

export interface Realm {
  /** The context; properties set on it are the app's globals. */
  readonly context: vm.Context;
  /** The context's own `globalThis`, as the app sees it. */
  readonly globalObject: Record<string, unknown>;
  readonly helpers: RealmHelpers;
}

/**
 * Built-ins V8 has and Espruino 2v29 does not (measured: docs/espruino-language.md,
 * "Built-in objects"). They are removed from the app's realm so that code relying on them fails
 * here as it would on a board. Prototype methods are per realm, so deleting
 * them does not touch Node's own.
 */
const MISSING_BUILTINS: Record<string, string[]> = {
  "": ["Map", "Set", "WeakMap", "WeakSet", "Symbol"],
  Number: ["isNaN", "isFinite", "isInteger", "parseInt", "MAX_SAFE_INTEGER"],
  Date: ["UTC"],
  "Date.prototype": ["getUTCHours", "getUTCMinutes", "getUTCSeconds", "getUTCMilliseconds", "getUTCDay", "getUTCDate", "getUTCMonth", "getUTCFullYear"],
  Math: ["trunc"],
  Object: ["freeze"],
  Array: ["from", "of"],
  "Array.prototype": ["flat", "flatMap", "at", "findLast", "entries", "keys", "reduceRight", "lastIndexOf"],
  String: ["fromCodePoint"],
  "String.prototype": ["at", "trimStart", "trimEnd", "codePointAt", "normalize", "localeCompare", "search"],
};

// Espruino's InternalError is not an Error: `instanceof Error` is false, its
// own keys are message and type, and String(e) is "InternalError: message"
// (measured on 2v29). Errors of other types are the realm's own, plus `type`.
const REALM_BOOTSTRAP = `(function (global) {
  function InternalError(message) {
    if (!(this instanceof InternalError)) return new InternalError(message);
    this.message = String(message);
    this.type = "InternalError";
  }
  Object.defineProperty(InternalError.prototype, "toString", {
    value: function () { return this.type + ": " + this.message; }, writable: true, configurable: true,
  });
  Object.defineProperty(global, "InternalError", { value: InternalError, writable: true, configurable: true });
  var missing = ${JSON.stringify(MISSING_BUILTINS)};
  Object.keys(missing).forEach(function (path) {
    var owner = path === "" ? global : path.split(".").reduce(function (o, k) { return o[k]; }, global);
    missing[path].forEach(function (name) { delete owner[name]; });
  });
  return {
    newError: function (type, message) {
      if (type === "InternalError") return new InternalError(message);
      var Ctor = global[type] || Error;
      var error = new Ctor(message);
      Object.defineProperty(error, "message", { value: String(message), enumerable: true, writable: true, configurable: true });
      error.type = type;
      return error;
    },
    object: function (fields) { return Object.assign({}, fields); },
    array: function (items) { return Array.prototype.slice.call(items); },
    parseJson: function (text) { return JSON.parse(text); },
    stringify: function (value) { return JSON.stringify(value); },
  };
})`;

export function createRealm(): Realm {
  const context = vm.createContext({}, { name: "espruino" });
  const globalObject = vm.runInContext("globalThis", context) as Record<string, unknown>;
  const bootstrap = vm.runInContext(REALM_BOOTSTRAP, context) as (global: unknown) => RealmHelpers;
  return { context, globalObject, helpers: bootstrap(globalObject) };
}
