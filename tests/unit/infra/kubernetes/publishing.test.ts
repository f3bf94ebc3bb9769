// Kubernetes publishing under mocks, with the prod platform config: no password in any ConfigMap or Secret, the
// SecretProviderClasses reference exactly the vault's secrets, the bootstrap Job reads the administrator password from
// the CSI volume only, and egress is limited to the database subnets on 5432 plus DNS.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import {
  BOOTSTRAP_SECRET_PROVIDER_CLASS_NAME,
  KubernetesPublishing,
  SECRETS_MOUNT_PATH,
  WORKLOAD_SECRET_PROVIDER_CLASS_NAME,
  bootstrapRunId,
  egressRules,
} from "../../../../infra/kubernetes/publishing.js";
import { bootstrapDriver } from "../../../../infra/bootstrap.js";
import type { PasswordRole } from "../../../../infra/types.js";
import { APPLICATION_LOGIN, MONITORING_LOGIN } from "../../../../infra/types.js";
import { type CapturedResource, MOCK_SECRET_MARKER, type OfflineRun, runOffline } from "../../../../tools/offline.js";
import { azurePlatform } from "../../../support/stack-platforms.js";

const SECRET_NAMES: Record<PasswordRole, string> = {
  administrator: "postgres-administrator-password",
  application: "postgres-application-password",
  monitoring: "postgres-monitoring-password",
};
const SQL = "-- bootstrap fixture\nSELECT 1;\n";
const PRIMARY = "phonebill-auth-postgresql-prod.postgres.database.azure.com";
const REPLICAS = [
  "phonebill-auth-postgresql-prod-krs.postgres.database.azure.com",
  "phonebill-auth-postgresql-prod-krc.postgres.database.azure.com",
];

const platform = azurePlatform("prod");
const databaseCidrs = platform.network.vnets.map((v) => v.subnets.database.cidr);

/** Stands in for the database and the vault secrets. */
class Prerequisite extends pulumi.CustomResource {
  constructor(name: string) {
    super("test:index:Prerequisite", name, {}, {});
  }
}

let run: OfflineRun;
const ofType = (type: string) => run.resources.filter((r) => r.type === type);
const one = (type: string): CapturedResource => {
  const found = ofType(type);
  assert.equal(found.length, 1, `expected one ${type}, found ${found.length}`);
  return found[0];
};
const spcs = () => ofType("kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass");
const spcNamed = (n: string) => spcs().find((r) => (r.inputs.metadata as any).name === n)!;
const objectsOf = (spc: CapturedResource) =>
  (parseYaml((spc.inputs.spec as any).parameters.objects) as { array: string[] }).array.map(
    (o) => parseYaml(o) as Record<string, string>,
  );

describe("Kubernetes publishing (prod config, mocks)", () => {
  before(async () => {
    run = await runOffline({
      stack: "prod",
      config: {},
      program: async () => {
        new KubernetesPublishing("kubernetes", {
          kubernetes: platform.kubernetes!,
          kubeconfig: pulumi.secret(`${MOCK_SECRET_MARKER}kubeconfig`),
          connection: {
            primaryHost: pulumi.output(PRIMARY),
            replicaHosts: pulumi.output(REPLICAS),
            port: 5432,
            databaseName: platform.database.name,
            sslMode: "require",
          },
          logins: {
            administrator: platform.server.administratorLogin,
            application: APPLICATION_LOGIN,
            monitoring: MONITORING_LOGIN,
          },
          keyVault: {
            name: pulumi.output(platform.keyVault.name),
            tenantId: pulumi.output("11111111-1111-1111-1111-111111111111"),
            secretNames: SECRET_NAMES,
          },
          databaseSubnetCidrs: databaseCidrs,
          bootstrapSql: SQL,
          passwordsRotation: platform.passwords.rotation,
          bootstrapDependsOn: [new Prerequisite("prerequisite")],
        });
        return {};
      },
    });
  });

  it("uses its own provider built from the secret kubeconfig, for every Kubernetes object", () => {
    const provider = one("pulumi:providers:kubernetes");
    assert.ok(provider.secretInputs.includes("kubeconfig"));
    const objects = run.resources.filter((r) => r.type.startsWith("kubernetes:"));
    assert.ok(objects.length >= 8);
    for (const r of objects)
      assert.ok(r.provider?.startsWith(provider.urn), `${r.name} does not use the component's provider`);
  });

  it("creates the namespace and the workload-identity service account", () => {
    assert.equal((one("kubernetes:core/v1:Namespace").inputs.metadata as any).name, "phonebill-auth");
    const sa = one("kubernetes:core/v1:ServiceAccount").inputs.metadata as any;
    assert.equal(sa.name, "auth-service");
    assert.equal(sa.namespace, "phonebill-auth");
    assert.equal(sa.annotations["azure.workload.identity/client-id"], platform.kubernetes!.workloadIdentityClientId);
  });

  it("publishes host, port, database, sslmode=require and the replica hosts in the connection ConfigMap", () => {
    const cm = ofType("kubernetes:core/v1:ConfigMap").find(
      (r) => (r.inputs.metadata as any).name === "authdb-connection",
    )!;
    const data = cm.inputs.data as Record<string, string>;
    assert.equal(data.PGHOST, PRIMARY);
    assert.equal(data.PGPORT, "5432");
    assert.equal(data.PGDATABASE, "phonebill_auth");
    assert.equal(data.PGSSLMODE, "require");
    assert.equal(data.PGUSER, APPLICATION_LOGIN);
    assert.deepEqual(data.PGHOST_READONLY.split(","), REPLICAS);
    assert.match(data.JDBC_URL, /sslmode=require$/);
  });

  it("puts no password in any ConfigMap and creates no Kubernetes Secret", () => {
    assert.deepEqual(ofType("kubernetes:core/v1:Secret"), []);
    const configMaps = ofType("kubernetes:core/v1:ConfigMap");
    assert.equal(configMaps.length, 2);
    for (const cm of configMaps) {
      assert.deepEqual(cm.secretInputs, [], `${cm.name} holds a secret`);
      assert.ok(!JSON.stringify(cm.rawInputs).includes(MOCK_SECRET_MARKER), `${cm.name} holds a mocked secret`);
      for (const key of Object.keys(cm.inputs.data as object))
        assert.doesNotMatch(key, /pass(word)?|pwd|secret/i, `${cm.name}.${key}`);
    }
  });

  it("no Kubernetes object other than the provider receives a secret value", () => {
    for (const r of run.resources.filter((x) => x.type.startsWith("kubernetes:"))) {
      assert.deepEqual(r.secretInputs, [], r.name);
      assert.ok(!JSON.stringify(r.rawInputs).includes(MOCK_SECRET_MARKER), r.name);
    }
  });

  it("SecretProviderClasses use the Azure provider with workload identity and reference exactly the vault's secrets", () => {
    assert.equal(spcs().length, 2);
    for (const spc of spcs()) {
      const params = (spc.inputs.spec as any).parameters;
      assert.equal((spc.inputs.spec as any).provider, "azure");
      assert.equal(params.usePodIdentity, "false");
      assert.equal(params.clientID, platform.kubernetes!.workloadIdentityClientId);
      assert.equal(params.keyvaultName, platform.keyVault.name);
      assert.equal(params.tenantId, "11111111-1111-1111-1111-111111111111");
      assert.equal(
        (spc.inputs.spec as any).secretObjects,
        undefined,
        "syncing to a Kubernetes Secret would put passwords in etcd",
      );
      for (const o of objectsOf(spc)) assert.equal(o.objectType, "secret");
    }
    const workload = objectsOf(spcNamed(WORKLOAD_SECRET_PROVIDER_CLASS_NAME));
    assert.deepEqual(
      workload.map((o) => o.objectName).sort(),
      [SECRET_NAMES.application, SECRET_NAMES.monitoring].sort(),
    );
    const bootstrap = objectsOf(spcNamed(BOOTSTRAP_SECRET_PROVIDER_CLASS_NAME));
    assert.deepEqual(bootstrap.map((o) => o.objectName).sort(), Object.values(SECRET_NAMES).sort());
    assert.deepEqual(bootstrap.map((o) => o.objectAlias).sort(), [
      "administrator-password",
      "application-password",
      "monitoring-password",
    ]);
  });

  it("the bootstrap Job mounts the bootstrap SecretProviderClass read-only and holds no literal password", () => {
    const job = one("kubernetes:batch/v1:Job");
    const pod = (job.inputs.spec as any).template.spec;
    const [container] = pod.containers;
    const csi = pod.volumes.find((v: any) => v.csi);
    assert.equal(csi.csi.driver, "secrets-store.csi.k8s.io");
    assert.equal(csi.csi.readOnly, true);
    assert.equal(csi.csi.volumeAttributes.secretProviderClass, BOOTSTRAP_SECRET_PROVIDER_CLASS_NAME);
    const mount = container.volumeMounts.find((m: any) => m.name === csi.name);
    assert.equal(mount.mountPath, SECRETS_MOUNT_PATH);
    assert.equal(mount.readOnly, true);
    assert.equal(pod.serviceAccountName, "auth-service");
    // The password reaches psql only from the mounted file.
    assert.match(
      container.command.join(" "),
      new RegExp(`PGPASSWORD="\\$\\(cat ${SECRETS_MOUNT_PATH}/administrator-password\\)"`),
    );
    for (const e of container.env) assert.notEqual(e.name, "PGPASSWORD");
    assert.deepEqual(container.envFrom, [{ configMapRef: { name: "authdb-connection" } }]);
    assert.equal(container.env.find((e: any) => e.name === "PGUSER").value, platform.server.administratorLogin);
  });

  it("the bootstrap Job runs the SQL from its own ConfigMap, after its prerequisites, hardened", () => {
    const job = one("kubernetes:batch/v1:Job");
    const sqlMap = ofType("kubernetes:core/v1:ConfigMap").find((r) =>
      (r.inputs.metadata as any).name.startsWith("authdb-bootstrap-"),
    )!;
    assert.equal((sqlMap.inputs.data as any)["bootstrap.sql"], SQL);
    assert.equal(sqlMap.inputs.immutable, true);
    assert.equal((job.inputs.metadata as any).name, (sqlMap.inputs.metadata as any).name);
    const pod = (job.inputs.spec as any).template.spec;
    assert.equal(pod.volumes.find((v: any) => v.configMap).configMap.name, (sqlMap.inputs.metadata as any).name);
    assert.ok(
      job.dependsOn.some((u) => u.endsWith("::prerequisite")),
      "Job does not wait for the database and vault secrets",
    );
    assert.equal(pod.restartPolicy, "Never");
    assert.equal(pod.securityContext.runAsNonRoot, true);
    const sc = pod.containers[0].securityContext;
    assert.deepEqual(sc.capabilities.drop, ["ALL"]);
    assert.equal(sc.readOnlyRootFilesystem, true);
    assert.equal(sc.allowPrivilegeEscalation, false);
  });

  it("NetworkPolicy limits all pods' egress to the database subnets on TCP 5432 and DNS", () => {
    const spec = one("kubernetes:networking.k8s.io/v1:NetworkPolicy").inputs.spec as any;
    assert.deepEqual(spec.podSelector, {});
    assert.deepEqual(spec.policyTypes, ["Egress"]);
    assert.equal(spec.egress.length, 2);
    const [db, dns] = spec.egress;
    assert.deepEqual(
      db.to.map((t: any) => t.ipBlock.cidr),
      ["10.0.2.0/24", "10.1.2.0/24"],
    );
    assert.deepEqual(db.ports, [{ protocol: "TCP", port: 5432 }]);
    assert.deepEqual(dns.ports.map((p: any) => `${p.protocol}/${p.port}`).sort(), ["TCP/53", "UDP/53"]);
    assert.equal(dns.to[0].podSelector.matchLabels["k8s-app"], "kube-dns");
  });
});

describe("Kubernetes publishing: pure parts", () => {
  const base = {
    sql: SQL,
    driver: bootstrapDriver("/s", "/b.sql"),
    image: "postgres:15",
    adminLogin: "admin",
    serviceAccountName: "sa",
    secretNames: SECRET_NAMES,
    rotation: "2026-11",
  };

  it("the bootstrap run id is deterministic and changes with the SQL, the rotation and the secret names", () => {
    assert.equal(bootstrapRunId(base), bootstrapRunId({ ...base }));
    assert.notEqual(bootstrapRunId({ ...base, sql: SQL + "\n" }), bootstrapRunId(base));
    assert.notEqual(bootstrapRunId({ ...base, rotation: "2027-02" }), bootstrapRunId(base));
    assert.notEqual(
      bootstrapRunId({ ...base, secretNames: { ...SECRET_NAMES, administrator: "other" } }),
      bootstrapRunId(base),
    );
    assert.match(bootstrapRunId(base), /^[0-9a-f]{10}$/);
  });

  it("the psql driver sets the variables the bootstrap SQL expects from files and then includes it", () => {
    const driver = bootstrapDriver("/s", "/b.sql");
    assert.match(driver, /^\\set app_password `cat \/s\/application-password`$/m);
    assert.match(driver, /^\\set monitor_password `cat \/s\/monitoring-password`$/m);
    assert.match(driver, /^\\i \/b\.sql$/m);
    assert.ok(driver.indexOf("ON_ERROR_STOP") < driver.indexOf("\\i "));
  });

  it("egress rules refuse an empty subnet list", () => {
    assert.throws(() => egressRules([]), /databaseSubnetCidrs is empty/);
  });
});
