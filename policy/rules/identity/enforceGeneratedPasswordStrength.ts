import { EVERYWHERE, T, resourceRule } from "../../rule.js";

/** The plan's floor: at least 16 characters with upper, lower, digit and special characters. */
export const MIN_GENERATED_PASSWORD_LENGTH = 16;
const CLASSES = [
  ["upper", "minUpper"],
  ["lower", "minLower"],
  ["numeric", "minNumeric"],
  ["special", "minSpecial"],
] as const;

/** A4 (generation): every database password comes from a generator strong enough for an internet-facing secret. */
export const enforceGeneratedPasswordStrength = resourceRule({
  name: "secrets-enforce-generated-password-strength",
  description: "Generated passwords are at least 16 characters and require upper, lower, digit and special characters.",
  severity: "high",
  type: T.randomPassword,
  meta: {
    catalogueId: "A4",
    sources: ["R-RS-2", "R-4.1.2"],
    enforcement: EVERYWHERE,
    why: "No default or typed password exists anywhere; the generator's settings are the password policy.",
  },
  check: (props, args, report) => {
    const length = props.length;
    if (typeof length !== "number" || length < MIN_GENERATED_PASSWORD_LENGTH) {
      report(
        `password generator ${args.name} makes ${String(length)}-character passwords, below ${MIN_GENERATED_PASSWORD_LENGTH}`,
      );
    }
    for (const [flag, min] of CLASSES) {
      if (props[flag] === false || !(typeof props[min] === "number" && props[min] >= 1)) {
        report(
          `password generator ${args.name} does not require ${flag} characters (${flag} must stay on and ${min} ≥ 1)`,
        );
      }
    }
  },
});
