/**
 * Generated passwords for the administrator, application and monitoring roles: no default or hand-typed password exists
 * anywhere (seed 000 §9-3, plan §4.1.2). Changing `passwords.rotation` in config changes every generator's keepers, so the
 * next `pulumi up` generates new values.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
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
    this.generators = generators;
    this.values = values;
    this.registerOutputs({});
  }
}
