// How Espruino prints values (pure): `print`/`console.log` arguments and the
// REPL's `=value` line. A port of the parts of jsfGetJSONWithCallback
// (src/jswrap_json.c) that matter here: spaces after "[", "{", ":" and ",",
// newlines before non-simple items, the console's length limits, quoted
// string escapes (\n, \xNN, \N for small codes), and for the REPL unquoted
// identifier keys. Class names ("Promise: ...") and device names are omitted.
// Also the text after "Uncaught " for an exception nobody caught.

export interface FormatOptions {
  /** JSON_LIMIT: shorten long arrays and strings, as the console does. */
  limit?: boolean;
  /** JSON_DROP_QUOTES: print `{ a: 1 }` instead of `{ "a": 1 }`. */
  dropQuotes?: boolean;
}

const LIMIT_AMOUNT = 15;
const LIMITED_AMOUNT = 5;
const LIMIT_STRING_AMOUNT = 60;
const LIMITED_STRING_AMOUNT = 27;
const ITEMS_ON_LINE_OBJECT = 4;
const LIMIT_TEXT = " ... ";
const INDENT = "  ";

function hex2(n: number): string {
  return (n & 0xff).toString(16).toUpperCase().padStart(2, "0");
}

/** escapeCharacter from src/jsutils.c (not JSON style). */
function escapeCharacter(ch: number, nextCh: number): string {
  if (ch === 10) return "\\n";
  if (ch === 9) return "\\t";
  if (ch === 8) return "\\b";
  if (ch === 11) return "\\v";
  if (ch === 12) return "\\f";
  if (ch === 13) return "\\r";
  if (ch === 92) return "\\\\";
  if (ch === 34) return '\\"';
  if (ch < 8 && (nextCh < 48 || nextCh > 55)) return "\\" + String(ch);
  if (ch > 255) return "\\u" + hex2(ch >> 8) + hex2(ch);
  if (ch < 32 || ch >= 127) return "\\x" + hex2(ch);
  return String.fromCharCode(ch);
}

/** A string in double quotes with Espruino's escapes (`%q`). */
export function quoteString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const next = i + 1 < text.length ? text.charCodeAt(i + 1) : -1;
    out += escapeCharacter(text.charCodeAt(i), next);
  }
  return out + '"';
}

function isIdentifier(key: string): boolean {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key);
}

function isIntegerish(key: string): boolean {
  return /^-?\d+$/.test(key);
}

/** jsonNeedsNewLine: anything but undefined, null and numbers. */
function needsNewLine(value: unknown): boolean {
  return !(value === undefined || value === null || typeof value === "number" || typeof value === "boolean");
}

function isTypedArray(value: unknown): value is ArrayLike<number> & { constructor: { name: string } } {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

function formatNumber(value: number): string {
  return String(value);
}

class Printer {
  private readonly seen = new Set<object>();
  constructor(private readonly options: FormatOptions) {}

  value(value: unknown, depth: number): string {
    if (value === undefined) return "undefined";
    if (value === null) return "null";
    switch (typeof value) {
      case "string":
        if (this.options.limit && value.length > LIMIT_STRING_AMOUNT) {
          return (
            quoteString(value.substring(0, LIMITED_STRING_AMOUNT)) +
            LIMIT_TEXT +
            quoteString(value.substring(value.length - LIMITED_STRING_AMOUNT))
          );
        }
        return quoteString(value);
      case "number":
        return formatNumber(value);
      case "boolean":
        return value ? "true" : "false";
      case "bigint":
        return String(value);
      case "symbol":
        return value.toString();
      case "function":
        return this.func(value as (...args: unknown[]) => unknown);
      default:
        break;
    }
    const object = value as object;
    if (this.seen.has(object)) return LIMIT_TEXT;
    this.seen.add(object);
    try {
      if (Array.isArray(object)) return this.array(object, depth);
      if (isTypedArray(object)) return this.typedArray(object);
      if (Object.prototype.toString.call(object) === "[object ArrayBuffer]") {
        return this.typedArray(new Uint8Array(object as ArrayBuffer), true);
      }
      // Errors (from any realm) print as their toString, e.g. "InternalError: ...".
      if (Object.prototype.toString.call(object) === "[object Error]") return String(object);
      return "{ " + this.members(Object.keys(object).map((k) => [k, (object as Record<string, unknown>)[k]]), depth) + " }";
    } finally {
      this.seen.delete(object);
    }
  }

  private func(fn: (...args: unknown[]) => unknown): string {
    const source = Function.prototype.toString.call(fn);
    if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) return "function () { [native code] }";
    return source.startsWith("function") ? source : "function " + source;
  }

  private newLine(depth: number): string {
    return "\n" + INDENT.repeat(depth);
  }

  /** Object members (also an array's non-index keys); returns the inside of the braces. */
  private members(entries: Array<[string, unknown]>, depth: number, first = true): string {
    let out = "";
    let needNewLine = false;
    let sinceNewLine = 0;
    for (const [key, item] of entries) {
      sinceNewLine++;
      if (!first) out += ", ";
      const itemNeedsNewLine = needsNewLine(item);
      if (sinceNewLine > ITEMS_ON_LINE_OBJECT) needNewLine = true;
      if (needNewLine || itemNeedsNewLine) {
        out += this.newLine(depth + 1);
        needNewLine = false;
        sinceNewLine = 0;
      }
      const bare = this.options.dropQuotes && (isIntegerish(key) || (key.length < 63 && isIdentifier(key)));
      out += (bare ? key : quoteString(key)) + ": ";
      first = false;
      out += this.value(item, depth + 1);
      needNewLine = itemNeedsNewLine;
    }
    if (needNewLine) out += this.newLine(depth);
    return out;
  }

  private array(items: unknown[], depth: number): string {
    const length = items.length;
    const limited = this.options.limit === true && length > LIMIT_AMOUNT;
    let out = "[ ";
    let needNewLine = false;
    let first = true;
    for (let index = 0; index < length; index++) {
      if (limited && index >= LIMITED_AMOUNT && index < length - LIMITED_AMOUNT) continue;
      if (!first) out += ", ";
      first = false;
      if (limited && index === length - LIMITED_AMOUNT) out += LIMIT_TEXT;
      const item = items[index];
      const itemNeedsNewLine = needsNewLine(item);
      if (needNewLine || itemNeedsNewLine) {
        out += this.newLine(depth + 1);
        needNewLine = false;
      }
      out += index in items ? this.value(item, depth + 1) : "undefined";
      needNewLine = itemNeedsNewLine;
    }
    const extra = Object.keys(items).filter((k) => !isIntegerish(k));
    if (extra.length > 0) {
      const inside = this.members(extra.map((k) => [k, (items as unknown as Record<string, unknown>)[k]]), depth, first);
      out += inside;
      needNewLine = inside.endsWith(this.newLine(depth));
      if (needNewLine) out = out.substring(0, out.length - this.newLine(depth).length);
    }
    if (needNewLine) out += this.newLine(depth);
    return out + " ]";
  }

  private typedArray(view: ArrayLike<number> & { constructor: { name: string } }, isBuffer = false): string {
    const name = isBuffer ? "Uint8Array" : view.constructor.name;
    const suffix = isBuffer ? ".buffer" : "";
    let allZero = true;
    for (let i = 0; i < view.length; i++) if (view[i] !== 0) allZero = false;
    if (allZero) return `new ${isBuffer ? "ArrayBuffer" : name}(${view.length})`;
    const limited = this.options.limit === true && view.length > LIMIT_AMOUNT;
    const parts: string[] = [];
    for (let i = 0; i < view.length; i++) {
      if (limited && i >= LIMITED_AMOUNT && i < view.length - LIMITED_AMOUNT) continue;
      parts.push((limited && i === view.length - LIMITED_AMOUNT ? LIMIT_TEXT : "") + formatNumber(Number(view[i])));
    }
    return `new ${name}([${parts.join(", ")}])${suffix}`;
  }
}

/** One value as Espruino's console shows it (strings quoted). */
export function formatValue(value: unknown, options: FormatOptions = {}): string {
  return new Printer(options).value(value, 0);
}

/** The REPL's result line body: `=` + this. */
export function formatResult(value: unknown): string {
  return formatValue(value, { limit: true, dropQuotes: true });
}

/** `print(a, b, ...)`/`console.log`: strings as they are, other values formatted, joined by spaces. */
export function formatPrintArgs(args: unknown[]): string {
  return args.map((arg) => (typeof arg === "string" ? arg : formatValue(arg))).join(" ");
}

/** "Uncaught ..." text: Espruino prints the error's toString (for objects, its JSON-ish form). */
export function uncaughtText(error: unknown): string {
  if (typeof error === "string") return error;
  if (error !== null && typeof error === "object") {
    if (Object.prototype.toString.call(error) === "[object Error]" || "message" in error) {
      const fields = error as { type?: unknown; name?: unknown; message?: unknown };
      const type = typeof fields.type === "string" ? fields.type : typeof fields.name === "string" ? fields.name : "Error";
      return fields.message === undefined ? type : `${type}: ${String(fields.message)}`;
    }
    return formatValue(error);
  }
  return String(error);
}
