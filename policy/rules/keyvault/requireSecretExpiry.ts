import { PROD_ONLY, T, obj, resourceRule, str } from "../../rule.js";

/** K5: the expiry is the rotation horizon (R-4.1.2: every 90 days); a secret without one is never rotated. */
export const requireSecretExpiry = resourceRule({
  name: "keyvault-require-secret-expiry",
  description: "Key Vault secrets carry an expiry date (attributes.expires).",
  severity: "medium",
  type: T.secret,
  meta: {
    catalogueId: "K5",
    sources: ["CKV_AZURE_41", "AZU-0017", "AP 98728c90", "AP 342e8053", "CIS v3 3.3.3", "CIS v3 3.3.4"],
    enforcement: PROD_ONLY,
    why: "An expiry makes a forgotten rotation visible (Azure and Defender report expiring secrets).",
  },
  check: (props, _args, report) => {
    const expires = obj(obj(props.properties).attributes).expires;
    if (typeof expires !== "number" || expires <= 0) {
      report(
        `secret ${str(props.secretName) ?? "?"} has no properties.attributes.expires (Unix seconds of the rotation horizon)`,
      );
    }
  },
});
