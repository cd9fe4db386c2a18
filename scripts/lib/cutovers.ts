// howsmyssl's dated rating cutovers (its client_info.go), the one place they
// are written down: the checker rates by them (scripts/checker/rating.ts) and
// the host explains a rating with them (scripts/lib/result.ts).

/** 10:00 America/Los_Angeles on each date, as UTC instants. */
export const CUTOVERS = {
  /** From here TLS <= 1.2, and no post-quantum group, are "Improvable". */
  improvable: new Date("2026-06-14T17:00:00Z"),
  /** From here they are "Bad". */
  bad: new Date("2026-12-14T18:00:00Z"),
} as const;

/** A cutover as a reader wants it: its day, e.g. "2026-12-14". */
export function cutoverDay(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}
