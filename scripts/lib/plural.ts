// Counted nouns in messages ("1 day", "3 days"), said one way everywhere.

/** `count` and `word`, with an "s" unless the count is exactly one. */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}
