// A stand-in for the Azure CLI in tests: answers with recorded output from $FAKE_AZ_DIR (falling back to
// $FAKE_AZ_FALLBACK_DIR), chosen by the command, and appends each call's argv to $FAKE_AZ_LOG. An answer it has no
// recording for exits 1 with an az-like error, as a real failure would.
const fs = require("node:fs");
const path = require("node:path");
const args = process.argv.slice(2);
if (process.env.FAKE_AZ_LOG) fs.appendFileSync(process.env.FAKE_AZ_LOG, JSON.stringify(args) + "\n");
const joined = args.join(" ");
const value = (flag) => args[args.indexOf(flag) + 1];
let file;
if (joined.startsWith("account show")) file = "account.json";
else if (joined.startsWith("postgres flexible-server show")) file = "server-show.json";
else if (joined.startsWith("postgres flexible-server replica list")) file = "replica-list.json";
else if (joined.startsWith("postgres flexible-server backup list")) file = "backup-list.json";
else if (joined.startsWith("monitor metrics list")) file = `metrics-${path.basename(value("--resource"))}.json`;
else if (joined.startsWith("rest")) {
  const url = value("--url");
  file = /AlertsManagement/.test(url)
    ? "alerts.json"
    : /Microsoft\.Security/.test(url)
      ? "assessments.json"
      : /Microsoft\.KeyVault/.test(url)
        ? "secrets.json"
        : undefined;
}
for (const dir of [process.env.FAKE_AZ_DIR, process.env.FAKE_AZ_FALLBACK_DIR].filter(Boolean)) {
  if (file && fs.existsSync(path.join(dir, file))) {
    process.stdout.write(fs.readFileSync(path.join(dir, file), "utf8"));
    process.exit(0);
  }
}
process.stderr.write(`ERROR: (ResourceNotFound) no recording for: az ${joined}\n`);
process.exit(1);
