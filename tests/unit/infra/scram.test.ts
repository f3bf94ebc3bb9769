// SCRAM-SHA-256 verifiers against RFC 7677's worked example: the keys derived here must reproduce the exchange's
// ClientProof and ServerSignature, which is what a server holding only StoredKey and ServerKey checks.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { describe, it } from "node:test";
import { isScramVerifier, scramKeys, scramVerifier, verifierMatches } from "../../../infra/scram.js";

// RFC 7677 §3.
const SALT = Buffer.from("W22ZaJ0SNY7soEsUEjb6gQ==", "base64");
const AUTH_MESSAGE = [
  "n=user,r=rOprNGfwEbeRWgbNEkqO",
  "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
  "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
].join(",");
const CLIENT_PROOF = "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
const SERVER_SIGNATURE = "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

describe("SCRAM-SHA-256 verifier", () => {
  it("reproduces RFC 7677's ClientProof and ServerSignature", () => {
    const k = scramKeys("pencil", SALT, 4096);
    const clientSignature = createHmac("sha256", k.storedKey).update(AUTH_MESSAGE).digest();
    const proof = Buffer.from(k.clientKey.map((b, i) => b ^ clientSignature[i]));
    assert.equal(proof.toString("base64"), CLIENT_PROOF);
    assert.equal(createHmac("sha256", k.serverKey).update(AUTH_MESSAGE).digest("base64"), SERVER_SIGNATURE);
  });

  it("fails the RFC vector with a wrong password (negative control)", () => {
    const k = scramKeys("pencil!", SALT, 4096);
    assert.notEqual(createHmac("sha256", k.serverKey).update(AUTH_MESSAGE).digest("base64"), SERVER_SIGNATURE);
  });

  it("has PostgreSQL's stored shape and never contains the password", () => {
    const password = "Ab3-_.~!*+,^xyzXYZ0123456789abcd";
    const v = scramVerifier(password);
    assert.ok(isScramVerifier(v), v);
    assert.match(v, /^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}$/);
    assert.ok(!v.includes(password));
    assert.ok(verifierMatches(v, password));
    assert.ok(!verifierMatches(v, `${password}x`));
  });

  it("salts every verifier afresh", () => {
    assert.notEqual(scramVerifier("same-password-1"), scramVerifier("same-password-1"));
  });

  it("refuses passwords SASLprep would change", () => {
    assert.throws(() => scramVerifier("with space"), /printable ASCII/);
    assert.throws(() => scramVerifier("ünïcode"), /printable ASCII/);
    assert.ok(!isScramVerifier("plain-password"));
  });
});
