// The host tools' one reading of the date.
//
// Decisions that depend on the date (certificate validity, howsmyssl's rating
// cutovers, dev PKI issuance and renewal, expiry warnings, the build time the
// bundle embeds) take `now` as a parameter: commands read it here and pass it
// down, tests pass a date of their own. The linter forbids `Date.now()` and
// `new Date()` everywhere else on the host, so no module reads the clock
// behind its caller's back. Durations use `performance.now()` instead: it is
// monotonic and no date change (or faked clock) moves it.

/** The current date and time. */
export function currentTime(): Date {
  return new Date();
}

/** `days` whole days after (or, negative, before) `from`. */
export function daysAfter(from: Date, days: number): Date {
  return new Date(from.getTime() + days * DAY_MS);
}

export const DAY_MS = 86_400_000;
