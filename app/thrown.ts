// What was thrown, as text: the core reads Espruino's errors through this, not
// through the Espruino adapter (espruino.ts).

/** The message of anything thrown (Espruino's errors carry `message`), else its text. */
export function errorText(error: unknown): string {
  return String((error && (error as { message?: unknown }).message) || error);
}
