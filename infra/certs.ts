/**
 * The root CAs a client needs to verify an Azure Database for PostgreSQL server (sslmode=verify-full). Microsoft
 * Learn, security-tls: clients that use verify-ca or verify-full "must deploy three root CA certificates to the client
 * certificate stores: DigiCert Global Root G2 and Microsoft RSA Root CA 2017 … Digicert Global Root CA, for legacy
 * compatibility". Pinning roots (never intermediates) keeps clients working through the 2025/2026 intermediate
 * rotation, whose new chain still ends at DigiCert Global Root G2.
 */
import { readFileSync } from "node:fs";

export const AZURE_ROOT_CAS_PATH = new URL("../certs/azure-postgresql-root-cas.pem", import.meta.url);

/** Subject CN and SHA-256 fingerprint of each root in the bundle (Debian ca-certificates 20250419, Mozilla store). */
export const AZURE_ROOT_CAS = [
  {
    commonName: "DigiCert Global Root G2",
    sha256: "CB:3C:CB:B7:60:31:E5:E0:13:8F:8D:D3:9A:23:F9:DE:47:FF:C3:5E:43:C1:14:4C:EA:27:D4:6A:5A:B1:CB:5F",
  },
  {
    commonName: "Microsoft RSA Root Certificate Authority 2017",
    sha256: "C7:41:F7:0F:4B:2A:8D:88:BF:2E:71:C1:41:22:EF:53:EF:10:EB:A0:CF:A5:E6:4C:FA:20:F4:18:85:30:73:E0",
  },
  {
    commonName: "DigiCert Global Root CA",
    sha256: "43:48:A0:E9:44:4C:78:CB:26:5E:05:8D:5E:89:44:B4:D8:4F:96:62:BD:26:DB:25:7F:89:34:A4:43:C7:01:61",
  },
] as const;

/** The PEM bundle (the three roots, in the order above). */
export function readAzureRootCas(): string {
  return readFileSync(AZURE_ROOT_CAS_PATH, "utf8");
}

/** Where pods find the bundle (the CA ConfigMap is mounted here) — libpq's PGSSLROOTCERT. */
export const CA_MOUNT_DIR = "/etc/authdb/ca";
export const CA_FILE_NAME = "root.crt";
