// The verification probe's decoy trust anchor (pure): the pinned CA with one
// bit of its subject name flipped. Nothing chains to that name, so firmware
// that verifies certificates must refuse the server; firmware that accepts
// the connection anyway does not verify. Deriving the decoy from the pinned
// CA keeps it parseable by whatever firmware parsed the real one, and costs
// the bundle no second certificate.

/** `der` is a certificate as a binary string; returns it with its subject altered. */
export function decoyOf(der: string): string {
  let at = 0;
  /** Reads a DER tag and length at `at`; leaves `at` on the content and returns its length. */
  function header(): number {
    at++;
    let length = der.charCodeAt(at++);
    if (length > 127) {
      let bytes = length & 127;
      length = 0;
      while (bytes--) length = length * 256 + der.charCodeAt(at++);
    }
    return length;
  }
  header(); // Certificate
  header(); // TBSCertificate
  // version [0] (absent in v1 certificates), serial, signature, issuer, validity, then subject
  // (`length` first: `at += header()` would read `at` before header() moves it.)
  let skip = der.charCodeAt(at) === 0xa0 ? 5 : 4;
  let length = 0;
  while (skip--) {
    length = header();
    at += length;
  }
  length = header();
  const last = at + length - 1; // last byte of the subject: inside its final name string
  return der.substr(0, last) + String.fromCharCode(der.charCodeAt(last) ^ 1) + der.substr(last + 1);
}
