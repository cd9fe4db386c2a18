// The certificates the certs tests judge: a root, an intermediate it issued, a
// server leaf under the intermediate, a self-signed EC leaf and a client
// certificate from the root. Issued once per test run (RSA keys are slow to
// make) relative to NOW, a date of the tests' own, so that whatever the
// machine's clock says the outcome is the same.
import { X509Certificate } from "node:crypto";
import { type Issued, createCa, issueCa, issueLeaf, selfSignedLeaf } from "../../scripts/certs/issue.ts";

export const DAY = 86_400_000;
export const NOW = new Date("2027-03-01T12:00:00Z");

/** `count` days after NOW (before, when negative). */
export const days = (count: number): Date => new Date(NOW.getTime() + count * DAY);

/** Node's view of an issued certificate. */
export const x509Of = (issued: Issued): X509Certificate => new X509Certificate(issued.certPem);

export interface TestChain {
  root: Issued;
  intermediate: Issued;
  leaf: Issued;
  ecLeaf: Issued;
  client: Issued;
}

let issuing: Promise<TestChain> | undefined;

/** The shared certificates, issued on first use. */
export function testChain(): Promise<TestChain> {
  issuing ??= issueTestChain();
  return issuing;
}

async function issueTestChain(): Promise<TestChain> {
  const root = await createCa({ commonName: "Certs Test Root", notBefore: days(-1) });
  const intermediate = await issueCa(root, { commonName: "Certs Test Intermediate", notBefore: days(-1) });
  const leaf = await issueLeaf(intermediate, "server", { commonName: "localhost", names: ["localhost", "127.0.0.1"], notBefore: days(-1) });
  const ecLeaf = await selfSignedLeaf({ commonName: "ec.test", key: "ec-p256", notBefore: days(-1) });
  const client = await issueLeaf(root, "client", { commonName: "device-1", notBefore: days(-1) });
  return { root, intermediate, leaf, ecLeaf, client };
}
