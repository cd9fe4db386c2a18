// A loopback port nothing listens on, for the tests: the host tools' own
// (scripts/lib/listen.ts), so there is one.
export { freePort } from "../../scripts/lib/listen.ts";
