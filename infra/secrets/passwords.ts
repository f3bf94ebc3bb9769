/**
 * Generated passwords for the administrator, application and monitoring roles: no default or hand-typed password exists
 * anywhere (R-RS-2, R-4.1.2). Changing `passwords.rotation` in config changes every generator's keepers, so the
 * next `pulumi up` generates new values.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { VERIFIER_ROLES, type VerifierRole } from "../bootstrap.js";
import { SCRAM_SALT_BYTES, scramVerifier } from "../scram.js";
import type { PasswordsInput } from "../config/schema.js";

import { PASSWORD_ROLES, type PasswordRole } from "../types.js";

/**
 * Characters that survive libpq connection strings, URIs, JDBC URLs, shell variables and YAML without quoting:
 * no quote, backslash, space, `@`, `:`, `/`, `?`, `#`, `%`, `&`, `=` or `$`.
 */
export const CONNECTION_STRING_SAFE_SPECIALS = "-_.~!*+,^";

export interface PasswordsArgs {
  readonly policy: PasswordsInput;
}

export class Passwords extends pulumi.ComponentResource {
  /** Each value is a Pulumi secret (also under mocks, where the provider's own secret marking does not apply). */
  readonly values: Readonly<Record<PasswordRole, pulumi.Output<string>>>;
  readonly generators: Readonly<Record<PasswordRole, random.RandomPassword>>;
  /**
   * SCRAM-SHA-256 verifiers of the database roles' passwords (secrets): what the bootstrap gives PostgreSQL instead of
   * the cleartext. Each has its own random salt, regenerated with the password.
   */
  readonly verifiers: Readonly<Record<VerifierRole, pulumi.Output<string>>>;

  constructor(name: string, args: PasswordsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("authdb:secrets:Passwords", name, {}, opts);
    const p = args.policy;
    const generators = {} as Record<PasswordRole, random.RandomPassword>;
    const values = {} as Record<PasswordRole, pulumi.Output<string>>;
    for (const role of PASSWORD_ROLES) {
      generators[role] = new random.RandomPassword(
        `${name}-${role}`,
        {
          length: p.length,
          upper: true,
          lower: true,
          numeric: true,
          special: true,
          minUpper: p.minUpper,
          minLower: p.minLower,
          minNumeric: p.minNumeric,
          minSpecial: p.minSpecial,
          overrideSpecial: CONNECTION_STRING_SAFE_SPECIALS,
          keepers: { rotation: p.rotation },
        },
        { parent: this },
      );
      values[role] = pulumi.secret(generators[role].result);
    }
    const verifiers = {} as Record<VerifierRole, pulumi.Output<string>>;
    for (const role of VERIFIER_ROLES) {
      const salt = new random.RandomBytes(
        `${name}-${role}-scram-salt`,
        { length: SCRAM_SALT_BYTES, keepers: { rotation: p.rotation } },
        { parent: this },
      );
      verifiers[role] = pulumi.secret(
        pulumi
          .all([values[role], salt.base64])
          .apply(([password, saltB64]) => scramVerifier(password, Buffer.from(saltB64, "base64"))),
      );
    }
    this.generators = generators;
    this.values = values;
    this.verifiers = verifiers;
    this.registerOutputs({});
  }
}
