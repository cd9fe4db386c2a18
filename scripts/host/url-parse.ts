// Espruino's `url.parse` (pure). Follows the single left-to-right scan of
// jswrap_url_parse in libs/network/jswrap_net.c, including its quirks, so that
// the host runtime hands the app exactly the fields a device would:
// - `protocol` exists only when the URL has "scheme://" (e.g. "https:");
// - there is no `hostname`; `host` never includes the port;
// - `port` is null when absent or outside 1..65535; digits after the port up
//   to the first "/" are all counted (so "http://a:80?x=1" gives port 801);
// - `path`/`pathname` default to "/"; `search`/`query` are null without "?";
// - with parseQuery, "%XY" escapes are decoded byte-wise ("+" is kept), keys
//   that look like array indices become numbers' string form, and a repeated
//   key keeps its first value (Espruino appends a second child of the same
//   name, and lookups find the first).

export interface EspruinoParsedUrl {
  protocol?: string;
  method: "GET";
  host: string;
  path: string;
  pathname: string;
  search: string | null;
  port: number | null;
  query: string | Record<string, string> | null;
}

function hexDigit(ch: string): number {
  if (ch >= "0" && ch <= "9") return ch.charCodeAt(0) - 48;
  if (ch >= "a" && ch <= "z") return 10 + ch.charCodeAt(0) - 97;
  if (ch >= "A" && ch <= "Z") return 10 + ch.charCodeAt(0) - 65;
  return -1;
}

/** hexToByte from src/jsutils.c, then the C `(char)` cast. */
function hexToByte(hi: string, lo: string): string {
  const a = hexDigit(hi);
  const b = hexDigit(lo);
  const value = a < 0 || b < 0 ? -1 : (a << 4) | b;
  return String.fromCharCode(value & 0xff);
}

/** Array-index-like keys ("0", "12") are stored as integers; the name reads the same. */
function parseQueryString(query: string): Record<string, string> {
  const result: Record<string, string> = {};
  let key = "";
  let val = "";
  let hadEquals = false;
  const add = (): void => {
    if (!Object.prototype.hasOwnProperty.call(result, key)) result[key] = val;
  };
  for (let i = 0; i < query.length; i++) {
    let ch = query[i];
    if (ch === "&") {
      if (key !== "" || val !== "") {
        add();
        key = "";
        val = "";
        hadEquals = false;
      }
    } else if (!hadEquals && ch === "=") {
      hadEquals = true;
    } else {
      if (ch === "%") {
        // A string iterator past the end yields NUL.
        const hi = query[i + 1] ?? "\0";
        const lo = query[i + 2] ?? "\0";
        i += 2;
        ch = hexToByte(hi, lo);
      }
      if (hadEquals) val += ch;
      else key += ch;
    }
  }
  if (key !== "" || val !== "") add();
  return result;
}

/** `url.parse(urlStr, parseQuery)`; a non-string gives undefined, as on the device. */
export function parseUrl(url: unknown, parseQuery = false): EspruinoParsedUrl | undefined {
  if (typeof url !== "string") return undefined;
  let slashes = 0;
  let colons = 0;
  let addrStart = -1;
  let portStart = -1;
  let pathStart = -1;
  let searchStart = -1;
  let portNumber = 0;
  for (let charIdx = 0; charIdx < url.length; charIdx++) {
    const ch = url[charIdx];
    if (ch === "/") {
      slashes++;
      if (pathStart < 0) pathStart = charIdx;
      if (colons === 1 && slashes === 2 && addrStart < 0) {
        addrStart = charIdx;
        pathStart = -1;
        searchStart = -1;
      }
    }
    if (ch === ":") {
      colons++;
      if (addrStart >= 0 && pathStart < 0) portStart = charIdx;
    }
    if (portStart >= 0 && charIdx > portStart && pathStart < 0 && ch >= "0" && ch <= "9") {
      // The C code accumulates into an int; keep it within 32 bits the same way.
      portNumber = (portNumber * 10 + (ch.charCodeAt(0) - 48)) | 0;
    }
    if (ch === "?" && pathStart >= 0) searchStart = charIdx;
  }
  if (pathStart < 0) pathStart = url.length;
  const addrEnd = portStart >= 0 ? portStart : pathStart;

  const result = {} as EspruinoParsedUrl;
  if (addrStart > 0) result.protocol = url.substring(0, addrStart - 1);
  result.method = "GET";
  result.host = url.substr(addrStart + 1, Math.max(0, addrEnd - (addrStart + 1)));
  result.path = url.substring(pathStart) || "/";
  result.pathname = (searchStart >= 0 ? url.substring(pathStart, searchStart) : url.substring(pathStart)) || "/";
  result.search = searchStart >= 0 ? url.substring(searchStart) : null;
  result.port = portNumber <= 0 || portNumber > 65535 ? null : portNumber;
  const query = searchStart >= 0 ? url.substring(searchStart + 1) : null;
  result.query = parseQuery && query !== null ? parseQueryString(query) : query;
  return result;
}
