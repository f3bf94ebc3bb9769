/**
 * The KeyVault component under mocks with the prod stack's config and the real Passwords component feeding it: vault
 * hardening, private endpoint, secrets (value secret, content type, deterministic expiry), role assignments, and no
 * password in the plan view. Plus the pure helpers (expiry, GUIDs, role ids).
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import {
  BUILT_IN_ROLES,
  KeyVault,
  passwordContentType,
  roleAssignmentName,
  roleDefinitionId,
  storedSecrets,
  uuidV5,
  vaultReaders,
} from "../../../../infra/secrets/key-vault.js";
import { rotationExpiry, rotationStart } from "../../../../infra/config/rotation.js";
import { isScramVerifier, verifierMatches } from "../../../../infra/scram.js";
import { Passwords } from "../../../../infra/secrets/passwords.js";
import {
  MOCK_DEPLOYER,
  MOCK_SECRET_MARKER,
  MOCK_SUBSCRIPTION,
  MOCK_TENANT,
  type OfflineRun,
  runOffline,
} from "../../../../tools/offline.js";
import { azurePlatform } from "../../../support/stack-platforms.js";

const platform = azurePlatform("prod");

const RG = platform.resourceGroupName;
const PE_SUBNET_ID = `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.Network/virtualNetworks/phonebill-vnet-prod/subnets/private-endpoint-subnet`;
const VAULT_ZONE_ID = `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net`;
const VAULT_ID = `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.KeyVault/vaults/${platform.keyVault.name}`;

let run: OfflineRun;
let vault: KeyVault;
let vaultUri: string;

const ofType = (type: string) => run.resources.filter((r) => r.type === `azure-native:${type}`);
const only = (type: string) => {
  const found = ofType(type);
  assert.equal(found.length, 1, `expected one ${type}`);
  return found[0];
};

describe("KeyVault component", () => {
  before(async () => {
    run = await runOffline({
      stack: "prod",
      config: {},
      program: async () => {
        const passwords = new Passwords("passwords", { policy: platform.passwords });
        vault = new KeyVault("vault", {
          resourceGroupName: RG,
          location: platform.location,
          keyVault: platform.keyVault,
          passwords: platform.passwords,
          secrets: storedSecrets(passwords),
          readers: vaultReaders(platform.keyVault),
          tenantId: pulumi.output(MOCK_TENANT),
          privateEndpointSubnetId: pulumi.output(PE_SUBNET_ID),
          keyVaultDnsZoneId: pulumi.output(VAULT_ZONE_ID),
          tags: platform.tags,
        });
        return {};
      },
    });
    vaultUri = await new Promise<string>((resolve) => vault.vaultUri.apply(resolve));
  });

  describe("KeyVault (prod config, under mocks)", () => {
    it("creates a protected vault with RBAC, purge protection, 90-day soft delete and no public access", () => {
      const v = only("keyvault:Vault");
      const p = v.inputs.properties as Record<string, unknown>;
      assert.equal(v.inputs.vaultName, "kv-phonebill-auth-prod");
      assert.equal(p.enableRbacAuthorization, true);
      assert.equal(p.enablePurgeProtection, true);
      assert.equal(p.enableSoftDelete, true);
      assert.equal(p.softDeleteRetentionInDays, 90);
      assert.equal(p.publicNetworkAccess, "Disabled");
      assert.deepEqual(p.networkAcls, { bypass: "None", defaultAction: "Deny" });
      assert.equal(p.accessPolicies, undefined, "RBAC only, no access policies");
      assert.equal(p.tenantId, MOCK_TENANT);
      assert.equal(v.protect, true);
      assert.deepEqual(v.inputs.tags, platform.tags);
    });

    it("reaches the vault only through a private endpoint in the private-endpoint subnet, registered in the vaultcore zone", () => {
      const pe = only("network:PrivateEndpoint");
      assert.equal((pe.inputs.subnet as { id: string }).id, PE_SUBNET_ID);
      assert.equal(pe.inputs.location, platform.location);
      const connections = pe.inputs.privateLinkServiceConnections as {
        groupIds: string[];
        privateLinkServiceId: string;
      }[];
      assert.equal(connections.length, 1);
      assert.deepEqual(connections[0].groupIds, ["vault"]);
      assert.equal(connections[0].privateLinkServiceId, VAULT_ID);
      const group = only("network:PrivateDnsZoneGroup");
      assert.equal(group.inputs.privateEndpointName, pe.inputs.privateEndpointName);
      assert.ok(group.dependsOn.includes(pe.urn));
      assert.deepEqual(
        (group.inputs.privateDnsZoneConfigs as { privateDnsZoneId: string }[]).map((c) => c.privateDnsZoneId),
        [VAULT_ZONE_ID],
      );
    });

    it("stores each role's password and the SCRAM verifiers, values secret, with a content type and the rotation expiry", () => {
      const secrets = ofType("keyvault:Secret");
      assert.deepEqual(secrets.map((s) => s.inputs.secretName).sort(), [
        "postgres-administrator-password",
        "postgres-application-password",
        "postgres-application-scram-verifier",
        "postgres-monitoring-password",
        "postgres-monitoring-scram-verifier",
      ]);
      const expires = Date.parse("2027-01-30T00:00:00Z") / 1000; // 2026-11-01 + 90 days
      for (const s of secrets) {
        const [, role, what] = /^postgres-(\w+)-(password|scram-verifier)$/.exec(s.inputs.secretName as string)!;
        assert.ok(s.secretInputs.includes("properties"), `${s.name}: properties must be secret`);
        const raw = s.rawInputs.properties as {
          value: string;
          contentType: string;
          attributes: { enabled: boolean; expires: number };
        };
        const password = `${MOCK_SECRET_MARKER}passwords-${role}`;
        if (what === "password") {
          assert.equal(raw.value, password, "the generated password of the same role");
          assert.equal(raw.contentType, `text/plain; purpose=postgres-password; role=${role}; rotation=2026-11`);
        } else {
          assert.ok(
            isScramVerifier(raw.value) && verifierMatches(raw.value, password),
            "the verifier of that password",
          );
          assert.equal(raw.contentType, `text/plain; purpose=postgres-scram-verifier; role=${role}; rotation=2026-11`);
        }
        assert.deepEqual(raw.attributes, { enabled: true, expires });
        assert.equal(s.inputs.vaultName, platform.keyVault.name);
        assert.deepEqual(s.inputs.tags, platform.tags);
        // azure-native deletes secrets through the vault's data plane, which the firewall closes to a hosted runner.
        assert.equal(s.retainOnDelete, true, `${s.name} is retained on delete`);
        // The provider echoes properties.value back as an output; without this the state would hold it in clear text.
        assert.deepEqual(s.additionalSecretOutputs, ["properties"], `${s.name} keeps its outputs secret`);
      }
    });

    it("keeps every password out of the plan view", () => {
      const planView = JSON.stringify(run.resources.map((r) => r.inputs));
      assert.ok(!planView.includes(MOCK_SECRET_MARKER), "a password leaked into the redacted inputs");
      const rawView = JSON.stringify(run.resources.map((r) => r.rawInputs));
      assert.ok(rawView.includes(MOCK_SECRET_MARKER), "the raw view should hold them (else this test proves nothing)");
    });

    it("gives each reader Secrets User on exactly its own secrets, never on the whole vault", () => {
      const reads = (principal: string) =>
        ofType("authorization:RoleAssignment")
          .filter((a) => a.inputs.principalId === principal)
          .map((a) => {
            assert.match(
              a.inputs.roleDefinitionId as string,
              /\/roleDefinitions\/4633458b-17de-408a-b874-0445c86b69e6$/,
            );
            assert.equal(a.inputs.principalType, "ServicePrincipal");
            return String(a.inputs.scope).replace(`${VAULT_ID}/secrets/`, "");
          })
          .sort();
      // The application reads its own password; it cannot read the administrator's.
      assert.deepEqual(reads(platform.keyVault.applicationPrincipalId), ["postgres-application-password"]);
      assert.deepEqual(reads(platform.keyVault.bootstrapPrincipalId), [
        "postgres-administrator-password",
        "postgres-application-scram-verifier",
        "postgres-monitoring-scram-verifier",
      ]);
      for (const a of ofType("authorization:RoleAssignment")) assert.notEqual(a.inputs.scope, VAULT_ID, a.name);
    });

    it("gives the deployer no standing data-plane role (secrets are written through Resource Manager)", () => {
      assert.deepEqual(
        ofType("authorization:RoleAssignment").filter((a) => a.inputs.principalId === MOCK_DEPLOYER),
        [],
      );
      for (const a of ofType("authorization:RoleAssignment"))
        assert.doesNotMatch(a.inputs.roleDefinitionId as string, /b86a8fe4-44ce-4948-aee5-eccb2c155cd7$/);
    });

    it("names role assignments with GUIDs derived from scope, principal and role", () => {
      const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
      const names = ofType("authorization:RoleAssignment").map((a) => a.inputs.roleAssignmentName as string);
      for (const n of names) assert.match(n, guid);
      assert.equal(new Set(names).size, names.length);
      const app = ofType("authorization:RoleAssignment").find(
        (a) => a.inputs.principalId === platform.keyVault.applicationPrincipalId,
      )!;
      assert.equal(
        app.inputs.roleAssignmentName,
        roleAssignmentName(
          `${VAULT_ID}/secrets/postgres-application-password`,
          platform.keyVault.applicationPrincipalId,
          BUILT_IN_ROLES.keyVaultSecretsUser,
        ),
      );
    });

    it("exposes the vault URI and the secret names", () => {
      assert.equal(vaultUri, "https://kv-phonebill-auth-prod.vault.azure.net/");
      assert.deepEqual(vault.secretNames, {
        "administrator-password": "postgres-administrator-password",
        "application-password": "postgres-application-password",
        "monitoring-password": "postgres-monitoring-password",
        "application-scram-verifier": "postgres-application-scram-verifier",
        "monitoring-scram-verifier": "postgres-monitoring-scram-verifier",
      });
    });

    it("hands out the secrets and their readers' assignments for dependsOn", async () => {
      const urns = await Promise.all(
        vault.secretResources.map((r) => new Promise<string>((resolve) => r.urn.apply(resolve))),
      );
      assert.deepEqual(
        urns.sort(),
        [...ofType("keyvault:Secret"), ...ofType("authorization:RoleAssignment")].map((s) => s.urn).sort(),
      );
    });
  });

  describe("rotation expiry", () => {
    it("starts a month stamp on its first day and a day stamp on that day, in UTC", () => {
      assert.equal(rotationStart("2026-11").toISOString(), "2026-11-01T00:00:00.000Z");
      assert.equal(rotationStart("2026-11-15").toISOString(), "2026-11-15T00:00:00.000Z");
    });

    it("expires the rotation period after the start", () => {
      assert.equal(rotationExpiry("2026-11", 90), Date.parse("2027-01-30T00:00:00Z") / 1000);
      assert.equal(rotationExpiry("2026-11-15", 30), Date.parse("2026-12-15T00:00:00Z") / 1000);
      assert.equal(rotationExpiry("2028-02", 29), Date.parse("2028-03-01T00:00:00Z") / 1000, "leap year");
    });

    it("rejects stamps that are not dates", () => {
      assert.throws(() => rotationStart("2026-13"), /not in YYYY-MM or YYYY-MM-DD form/);
      assert.throws(() => rotationStart("2026/11"), /not in YYYY-MM or YYYY-MM-DD form/);
      assert.throws(() => rotationStart("2026-02-30"), /not a calendar date/);
    });

    it("puts the rotation in the content type so versions can be told apart", () => {
      assert.notEqual(passwordContentType("application", "2026-11"), passwordContentType("application", "2027-02"));
    });
  });

  describe("role assignment helpers", () => {
    it("computes RFC 4122 version-5 UUIDs", () => {
      // Python: uuid.uuid5(uuid.NAMESPACE_DNS, "www.example.com")
      assert.equal(
        uuidV5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.example.com"),
        "2ed6657d-e927-568b-95e1-2665a8aea6a2",
      );
    });

    it("gives a different name per principal and per role, the same for the same triple", () => {
      const a = roleAssignmentName(VAULT_ID, "p1", BUILT_IN_ROLES.keyVaultSecretsUser);
      assert.equal(
        a,
        roleAssignmentName(VAULT_ID.toUpperCase(), "P1", BUILT_IN_ROLES.keyVaultSecretsUser),
        "ARM ids are case-insensitive",
      );
      assert.notEqual(a, roleAssignmentName(VAULT_ID, "p2", BUILT_IN_ROLES.keyVaultSecretsUser));
      assert.notEqual(a, roleAssignmentName(VAULT_ID, "p1", BUILT_IN_ROLES.keyVaultSecretsOfficer));
    });

    it("builds the subscription-scoped role definition id from a resource id", () => {
      assert.equal(
        roleDefinitionId("/subscriptions/abc/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/v", "r"),
        "/subscriptions/abc/providers/Microsoft.Authorization/roleDefinitions/r",
      );
      assert.throws(() => roleDefinitionId("not-an-id", "r"), /not an Azure resource id/);
    });
  });
});
