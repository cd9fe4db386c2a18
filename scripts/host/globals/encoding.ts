// atob and btoa on binary strings, with Espruino's errors for wrong types.
import { atob, btoa } from "../base64.ts";
import { toBinaryString } from "../binary-string.ts";
import type { GlobalScope, RuntimeServices } from "./runtime-services.ts";

function typeName(value: unknown): string {
  return value === null ? "null" : typeof value;
}

export function installEncoding(globals: GlobalScope, runtime: RuntimeServices): void {
  const error = (message: string): object => runtime.session.helpers.newError("Error", message);
  globals.atob = (text: unknown) => {
    if (typeof text !== "string") throw error(`Expecting String, got ${typeName(text)}`);
    return atob(text);
  };
  globals.btoa = (data: unknown) => {
    if (typeof data !== "string" && !Array.isArray(data) && !ArrayBuffer.isView(data)) {
      throw error(`Expecting String or Array, got ${typeName(data)}`);
    }
    return btoa(typeof data === "string" ? data : toBinaryString(data));
  };
}
