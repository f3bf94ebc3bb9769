/** drill/netns.ts: choosing a free 10.231.N.0/24 for a drill network (pure part; the namespaces run in the drill). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { freeLabIndex } from "../../../drill/netns.js";

test("the first index whose address, interface and namespace are unused", () => {
  assert.equal(freeLabIndex("", "", ""), 1);
  const addrs = "3: adb1h    inet 10.231.1.1/24 scope global adb1h\n";
  assert.equal(freeLabIndex(addrs, "", ""), 2);
  assert.equal(freeLabIndex("", "7: adb1h@if6: <BROADCAST> mtu 1500\n", ""), 2);
  assert.equal(freeLabIndex("", "", "authdb-1 (id: 0)\nauthdb-2\n"), 3);
  // Someone else's 10.231.1.0/24 elsewhere (not ours) also counts as used; other prefixes do not.
  assert.equal(freeLabIndex("2: eth0    inet 10.231.1.7/24\n", "", ""), 2);
  assert.equal(freeLabIndex("2: eth0    inet 10.23.1.7/24\n", "", ""), 1);
});

test("no free index throws", () => {
  const all = Array.from({ length: 254 }, (_, i) => ` inet 10.231.${i + 1}.1/24`).join("\n");
  assert.throws(() => freeLabIndex(all, "", ""), /no free/);
});
