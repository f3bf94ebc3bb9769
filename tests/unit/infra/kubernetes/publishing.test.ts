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
  type VaultSecretNames,
  bootstrapRunId,
  egressRules,
} from "../../../../infra/kubernetes/publishing.js";
import { bootstrapDriver } from "../../../../infra/bootstrap.js";

import { APPLICATION_LOGIN, MONITORING_LOGIN } from "../../../../infra/types.js";
import { type CapturedResource, MOCK_SECRET_MARKER, type OfflineRun, runOffline } from "../../../../tools/offline.js";
import { azurePlatform } from "../../../support/stack-platforms.js";

const SECRET_NAMES: VaultSecretNames = {
  "administrator-password": "postgres-administrator-password",
  "application-password": "postgres-application-password",
  "application-scram-verifier": "postgres-application-scram-verifier",
  "monitoring-scram-verifier": "postgres-monitoring-scram-verifier",
};
const TARGET = { database: "phonebill_auth", applicationLogin: APPLICATION_LOGIN, monitoringLogin: MONITORING_LOGIN };
const CA = "-----BEGIN CERTIFICATE-----\nMIIfixture\n-----END CERTIFICATE-----\n";
const SQL = "-- bootstrap fixture\nSELECT 1;\n";
const WRITER = "phonebill-auth-prod.writer.postgres.database.azure.com";
const READER = "phonebill-auth-prod.reader.postgres.database.azure.com";
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
          connection: {
            writerHost: pulumi.output(WRITER),
            readerHost: pulumi.output(READER),
            primaryHost: pulumi.output(PRIMARY),
            replicaHosts: pulumi.output(REPLICAS),
            port: 5432,
            databaseName: platform.database.name,
            sslMode: "verify-full",
            caCertificates: CA,
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
          bootstrapTarget: TARGET,
          databaseSubnetCidrs: databaseCidrs,
          bootstrapSql: SQL,
          passwordsRotation: platform.passwords.rotation,
          bootstrapDependsOn: [new Prerequisite("prerequisite")],
        });
        return {};
      },
    });
  });

  it("uses its own provider, with the run's ambient credentials and no kubeconfig in state, for every object", () => {
    const provider = one("pulumi:providers:kubernetes");
    assert.equal(provider.rawInputs.kubeconfig, undefined, "a kubeconfig input would be stored in the state");
    const objects = run.resources.filter((r) => r.type.startsWith("kubernetes:"));
    assert.ok(objects.length >= 8);
    for (const r of objects)
      assert.ok(r.provider?.startsWith(provider.urn), `${r.name} does not use the component's provider`);
  });

  it("creates the namespace and one workload-identity service account per identity: the application's and the bootstrap's", () => {
    assert.equal((one("kubernetes:core/v1:Namespace").inputs.metadata as any).name, "phonebill-auth");
    const accounts = ofType("kubernetes:core/v1:ServiceAccount").map((r) => r.inputs.metadata as any);
    assert.deepEqual(
      accounts.map((a) => [a.name, a.namespace, a.annotations["azure.workload.identity/client-id"]]).sort(),
      [
        ["auth-service", "phonebill-auth", platform.kubernetes!.workloadIdentityClientId],
        ["authdb-bootstrap", "phonebill-auth", platform.kubernetes!.bootstrapIdentityClientId],
      ].sort(),
    );
    assert.notEqual(platform.kubernetes!.workloadIdentityClientId, platform.kubernetes!.bootstrapIdentityClientId);
  });

  it("publishes the writer endpoint as PGHOST and JDBC_URL, the reader for read-only, the servers' own names beside", () => {
    const cm = ofType("kubernetes:core/v1:ConfigMap").find(
      (r) => (r.inputs.metadata as any).name === "authdb-connection",
    )!;
    const data = cm.inputs.data as Record<string, string>;
    assert.equal(data.PGHOST, WRITER);
    assert.equal(data.PGPORT, "5432");
    assert.equal(data.PGDATABASE, "phonebill_auth");
    assert.equal(data.PGSSLMODE, "verify-full");
    assert.equal(data.PGSSLROOTCERT, "/etc/authdb/ca/root.crt");
    assert.equal(data.PGUSER, APPLICATION_LOGIN);
    assert.equal(data.PGHOST_READONLY, READER);
    assert.equal(data.PGHOST_PRIMARY_SERVER, PRIMARY);
    assert.deepEqual(data.PGHOST_REPLICA_SERVERS.split(","), REPLICAS);
    assert.equal(
      data.JDBC_URL,
      `jdbc:postgresql://${WRITER}:5432/phonebill_auth?sslmode=verify-full&sslrootcert=/etc/authdb/ca/root.crt`,
    );
    assert.equal(
      data.JDBC_URL_READONLY,
      `jdbc:postgresql://${READER}:5432/phonebill_auth?sslmode=verify-full&sslrootcert=/etc/authdb/ca/root.crt`,
    );
    // Negative control: no value in the ConfigMap names a server's own host where an endpoint belongs.
    for (const key of ["PGHOST", "PGHOST_READONLY", "JDBC_URL", "JDBC_URL_READONLY"])
      for (const server of [PRIMARY, ...REPLICAS]) assert.ok(!data[key].includes(server), `${key} names ${server}`);
    const ca = ofType("kubernetes:core/v1:ConfigMap").find((r) => (r.inputs.metadata as any).name === "authdb-ca")!;
    assert.deepEqual(ca.inputs.data, { "root.crt": CA });
  });

  it("puts no password in any ConfigMap and creates no Kubernetes Secret", () => {
    assert.deepEqual(ofType("kubernetes:core/v1:Secret"), []);
    const configMaps = ofType("kubernetes:core/v1:ConfigMap");
    assert.equal(configMaps.length, 3);
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

  it("SecretProviderClasses mount, per identity, exactly what that identity may read", () => {
    assert.equal(spcs().length, 2);
    for (const spc of spcs()) {
      const params = (spc.inputs.spec as any).parameters;
      assert.equal((spc.inputs.spec as any).provider, "azure");
      assert.equal(params.usePodIdentity, "false");
      assert.equal(params.keyvaultName, platform.keyVault.name);
      assert.equal(params.tenantId, "11111111-1111-1111-1111-111111111111");
      assert.equal(
        (spc.inputs.spec as any).secretObjects,
        undefined,
        "syncing to a Kubernetes Secret would put passwords in etcd",
      );
      for (const o of objectsOf(spc)) assert.equal(o.objectType, "secret");
    }
    // The application: its own password under its own identity — never the administrator's.
    const workloadSpc = spcNamed(WORKLOAD_SECRET_PROVIDER_CLASS_NAME);
    assert.equal((workloadSpc.inputs.spec as any).parameters.clientID, platform.kubernetes!.workloadIdentityClientId);
    assert.deepEqual(
      objectsOf(workloadSpc).map((o) => [o.objectName, o.objectAlias]),
      [[SECRET_NAMES["application-password"], "application-password"]],
    );
    // The bootstrap: the administrator password and the verifiers, under the bootstrap identity; no role password.
    const bootstrapSpc = spcNamed(BOOTSTRAP_SECRET_PROVIDER_CLASS_NAME);
    assert.equal((bootstrapSpc.inputs.spec as any).parameters.clientID, platform.kubernetes!.bootstrapIdentityClientId);
    assert.deepEqual(
      objectsOf(bootstrapSpc)
        .map((o) => o.objectAlias)
        .sort(),
      ["administrator-password", "application-scram-verifier", "monitoring-scram-verifier"],
    );
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
    assert.equal(pod.serviceAccountName, "authdb-bootstrap", "the bootstrap runs under its own identity");
    // The password reaches libpq only through a 0600 passfile written from the mounted file: no argv, no env.
    assert.match(
      container.command.join(" "),
      new RegExp(`umask 077; printf .* "\\$\\(cat ${SECRETS_MOUNT_PATH}/administrator-password\\)" > "\\$PGPASSFILE"`),
    );
    assert.equal(container.env.find((e: any) => e.name === "PGPASSFILE").value, "/tmp/pgpass");
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

  it("NetworkPolicy limits the database clients' egress to the database subnets on TCP 5432 and DNS", () => {
    const spec = one("kubernetes:networking.k8s.io/v1:NetworkPolicy").inputs.spec as any;
    // The pods that need the database, not the whole namespace; the bootstrap Job carries the label too.
    assert.deepEqual(spec.podSelector, { matchLabels: { "authdb.io/database-client": "true" } });
    const job = one("kubernetes:batch/v1:Job");
    assert.equal((job.inputs.spec as any).template.metadata.labels["authdb.io/database-client"], "true");
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
    driver: bootstrapDriver("/s", "/b.sql", TARGET),
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
      bootstrapRunId({ ...base, secretNames: { ...SECRET_NAMES, "administrator-password": "other" } }),
      bootstrapRunId(base),
    );
    assert.match(bootstrapRunId(base), /^[0-9a-f]{10}$/);
  });

  it("the psql driver sets the variables the bootstrap SQL expects — verifiers from files, names from config — then includes it", () => {
    const driver = bootstrapDriver("/s", "/b.sql", TARGET);
    assert.match(driver, /^\\set app_verifier `sed -n '.*' \/s\/application-scram-verifier`$/m);
    assert.match(driver, /^\\set monitor_verifier `sed -n '.*' \/s\/monitoring-scram-verifier`$/m);
    assert.match(driver, /^\\set app_login phonebill_auth_user$/m);
    assert.match(driver, /^\\set database phonebill_auth$/m);
    assert.doesNotMatch(driver, /password/, "the driver reads no cleartext role password");
    assert.match(driver, /^\\i \/b\.sql$/m);
    assert.ok(driver.indexOf("ON_ERROR_STOP") < driver.indexOf("\\i "));
  });

  it("egress rules refuse an empty subnet list", () => {
    assert.throws(() => egressRules([]), /databaseSubnetCidrs is empty/);
  });
});
