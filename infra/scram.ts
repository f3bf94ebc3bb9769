/**
 * SCRAM-SHA-256 password verifiers computed on the client (RFC 5802 §3, RFC 7677), in the form PostgreSQL stores in
 * pg_authid.rolpassword: `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`.
 *
 * `ALTER ROLE … PASSWORD '<verifier>'` stores the verifier as given (PostgreSQL docs, CREATE ROLE: "If the presented
 * password string is already in MD5-encrypted or SCRAM-encrypted format, then it is stored as-is"), so the cleartext
 * never reaches the server — not its log, not pg_stat_activity, not pg_stat_statements.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";

/** PostgreSQL's default (scram_iterations, src/include/common/scram-common.h SCRAM_SHA_256_DEFAULT_ITERATIONS). */
export const SCRAM_ITERATIONS = 4096;
/** PostgreSQL's salt length (SCRAM_DEFAULT_SALT_LEN). */
export const SCRAM_SALT_BYTES = 16;

const VERIFIER = /^SCRAM-SHA-256\$(\d+):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/;

export interface ScramKeys {
  readonly saltedPassword: Buffer;
  readonly clientKey: Buffer;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
}

/**
 * The keys of RFC 5802 §3. PostgreSQL runs the password through SASLprep first; for printable ASCII without spaces,
 * which is all the platform's generators produce, SASLprep is the identity — anything else is refused rather than
 * risk a verifier the server would compute differently.
 */
export function scramKeys(password: string, salt: Buffer, iterations = SCRAM_ITERATIONS): ScramKeys {
  if (!/^[\x21-\x7e]+$/.test(password)) {
    throw new Error(
      "SCRAM verifiers are computed only for printable ASCII passwords without spaces (SASLprep is then the identity)",
    );
  }
  if (!Number.isInteger(iterations) || iterations < 1)
    throw new Error(`iterations must be a positive integer, not ${iterations}`);
  const saltedPassword = pbkdf2Sync(Buffer.from(password, "utf8"), salt, iterations, 32, "sha256");
  const clientKey = createHmac("sha256", saltedPassword).update("Client Key").digest();
  const storedKey = createHash("sha256").update(clientKey).digest();
  const serverKey = createHmac("sha256", saltedPassword).update("Server Key").digest();
  return { saltedPassword, clientKey, storedKey, serverKey };
}

/** The verifier PostgreSQL stores for `password`; a fresh random salt unless one is given. */
export function scramVerifier(
  password: string,
  salt: Buffer = randomBytes(SCRAM_SALT_BYTES),
  iterations = SCRAM_ITERATIONS,
): string {
  const k = scramKeys(password, salt, iterations);
  return `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${k.storedKey.toString("base64")}:${k.serverKey.toString("base64")}`;
}

/** True when `verifier` is a well-formed SCRAM-SHA-256 verifier (and so holds no cleartext). */
export function isScramVerifier(verifier: string): boolean {
  return VERIFIER.test(verifier);
}

/** True when `password` matches `verifier` (the check the server makes, for tests and the rotation procedure). */
export function verifierMatches(verifier: string, password: string): boolean {
  const m = VERIFIER.exec(verifier);
  if (!m) return false;
  const k = scramKeys(password, Buffer.from(m[2], "base64"), Number(m[1]));
  return k.storedKey.toString("base64") === m[3] && k.serverKey.toString("base64") === m[4];
}
