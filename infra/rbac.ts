/**
 * Role assignments by name: deterministic GUID names and built-in role definition ids, shared by every component that
 * assigns a role (Key Vault readers, the Backup vault's identity).
 */
import { createHash } from "node:crypto";

/** RFC 4122 name-based (version 5, SHA-1) UUID: the same names always give the same GUID. */
export function uuidV5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ""), "hex");
  if (ns.length !== 16) throw new Error(`namespace ${namespace} is not a UUID`);
  const hash = createHash("sha1").update(ns).update(name, "utf8").digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** authdb's own UUID namespace for role assignment names. */
const ROLE_ASSIGNMENT_NAMESPACE = "4f0c6a52-9f3e-4d1b-a7c2-2d5b8e61f0a9";

/**
 * Role assignment names must be GUIDs and unique per scope. Deriving them from scope, principal and role makes the name
 * stable across runs (no spurious replacement) and the same assignment twice impossible.
 */
export function roleAssignmentName(scope: string, principalId: string, roleDefinitionGuid: string): string {
  return uuidV5(ROLE_ASSIGNMENT_NAMESPACE, `${scope.toLowerCase()}|${principalId.toLowerCase()}|${roleDefinitionGuid}`);
}

/** The subscription-scoped id of a built-in role, with the subscription taken from any resource id in it. */
export function roleDefinitionId(resourceId: string, roleDefinitionGuid: string): string {
  const m = /^\/subscriptions\/([^/]+)\//i.exec(resourceId);
  if (!m) throw new Error(`${resourceId} is not an Azure resource id`);
  return `/subscriptions/${m[1]}/providers/Microsoft.Authorization/roleDefinitions/${roleDefinitionGuid}`;
}
