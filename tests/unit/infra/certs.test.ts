// The CA bundle clients verify Azure with: exactly Microsoft's three roots, checked by subject and fingerprint.
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { describe, it } from "node:test";
import { AZURE_ROOT_CAS, readAzureRootCas } from "../../../infra/certs.js";

describe("Azure PostgreSQL root CA bundle", () => {
  const pems = readAzureRootCas().match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const certs = pems.map((p) => new X509Certificate(p));

  it("holds exactly the three roots Learn lists, self-signed CAs with the recorded fingerprints", () => {
    assert.deepEqual(
      certs.map((c) => [/CN=([^\n]+)/.exec(c.subject)?.[1], c.fingerprint256, c.ca, c.subject === c.issuer]),
      AZURE_ROOT_CAS.map((r) => [r.commonName, r.sha256, true, true]),
    );
  });

  it("holds roots that are valid for years yet", () => {
    for (const c of certs) assert.ok(new Date(c.validTo).getTime() > Date.parse("2030-01-01"), c.subject);
  });
});
