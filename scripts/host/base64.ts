// Espruino's `atob`/`btoa` on binary strings (pure), after jswrap_atob and
// jswrap_btoa in src/jswrap_functions.c. Strings hold one byte per character.
// Differences from the browser functions, kept on purpose:
// - atob never throws on bad input: whitespace is skipped, other characters
//   outside the alphabet are ignored, and the output length is fixed up front
//   from the input length (3/4 of the non-whitespace characters, minus one per
//   trailing "="), padded with NUL bytes or cut to that length;
// - btoa takes any string (each character's code & 255) or an array of numbers.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** isWhitespace from src/jsutils.c */
function isWhitespace(ch: string): boolean {
  return ch === " " || ch === "\t" || ch === "\n" || ch === "\r" || ch === "\x0b" || ch === "\x0c";
}

function decodeChar(ch: string): number {
  const code = ch.charCodeAt(0) & 0xff;
  if (code >= 65 && code <= 90) return code - 65;
  if (code >= 97 && code <= 122) return 26 + code - 97;
  if (code >= 48 && code <= 57) return 52 + code - 48;
  if (code === 43) return 62;
  if (code === 47) return 63;
  return -1;
}

export function atob(base64: string): string {
  let inputLength = 0;
  let prevCh = "";
  let prevPrevCh = "";
  for (const ch of base64) {
    if (!isWhitespace(ch)) {
      prevPrevCh = prevCh;
      prevCh = ch;
      inputLength++;
    }
  }
  let outputLength = Math.floor((inputLength * 3) / 4);
  if (prevCh === "=") outputLength--;
  if (prevPrevCh === "=") outputLength--;
  outputLength = Math.max(0, outputLength);

  const out: number[] = [];
  let i = 0;
  while (i < base64.length) {
    let triple = 0;
    let valid = 0;
    for (let n = 0; n < 4; n++) {
      if (i < base64.length) {
        // Skip whitespace; running off the end yields NUL, which is not valid.
        let ch = " ";
        while (ch !== "\0" && isWhitespace(ch)) ch = i < base64.length ? base64[i++] : "\0";
        const sextet = decodeChar(ch);
        if (sextet >= 0) {
          triple |= sextet << ((3 - n) * 6);
          valid = n;
        }
      }
    }
    if (valid > 0) out.push((triple >> 16) & 0xff);
    if (valid > 1) out.push((triple >> 8) & 0xff);
    if (valid > 2) out.push(triple & 0xff);
  }
  let result = "";
  for (let n = 0; n < outputLength; n++) result += String.fromCharCode(n < out.length ? out[n] : 0);
  return result;
}

export function btoa(binary: string | ArrayLike<number>): string {
  const byteAt = (n: number): number =>
    (typeof binary === "string" ? binary.charCodeAt(n) : Number(binary[n]) || 0) & 0xff;
  let result = "";
  for (let n = 0; n < binary.length; n += 3) {
    const a = byteAt(n);
    const b = n + 1 < binary.length ? byteAt(n + 1) : 0;
    const c = n + 2 < binary.length ? byteAt(n + 2) : 0;
    const padding = n + 2 < binary.length ? 0 : n + 1 < binary.length ? 1 : 2;
    const triple = (a << 16) | (b << 8) | c;
    result += ALPHABET[(triple >> 18) & 63] + ALPHABET[(triple >> 12) & 63];
    result += padding > 1 ? "=" : ALPHABET[(triple >> 6) & 63];
    result += padding > 0 ? "=" : ALPHABET[triple & 63];
  }
  return result;
}
