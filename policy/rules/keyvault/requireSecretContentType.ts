import { ADVISORY, T, obj, resourceRule, str } from "../../rule.js";

/** K6: a content type tells the reader (and the rotation job) what the value is. */
export const requireSecretContentType = resourceRule({
  name: "keyvault-require-secret-content-type",
  description: "Key Vault secrets carry a content type.",
  severity: "low",
  type: T.secret,
  meta: {
    catalogueId: "K6",
    sources: ["CKV_AZURE_114", "AZU-0015", "AP 75262d3e"],
    enforcement: ADVISORY,
    why: "Housekeeping: the content type documents the value's format without reading it.",
  },
  check: (props, _args, report) => {
    const contentType = obj(props.properties).contentType;
    if (typeof contentType !== "string" || contentType === "")
      report(`secret ${str(props.secretName) ?? "?"} has no properties.contentType`);
  },
});
