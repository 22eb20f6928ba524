// fieldapp.outbox's pure helpers: batches (count and body-size limits) and aligned (the
// server's answers match what was sent, in order).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { load, plain } = require("./load.js");

function outbox(maxBody) {
  const store = { config: () => (maxBody === undefined ? {} : { maxBody: String(maxBody) }) };
  return load(["phone/outbox.js"], { fieldapp: { store } }).fieldapp.outbox;
}

function item(i, note = "") {
  return { client_uuid: "u" + i, payload: { client_uuid: "u" + i, household_id: i, note } };
}

const bytes = (it) => new Blob([JSON.stringify(it.payload)]).size + 1;

test("no items, no batches", () => {
  assert.deepEqual(plain(outbox().batches([])), []);
});

test("one item is one batch", () => {
  const items = [item(1)];
  const out = outbox().batches(items);
  assert.equal(out.length, 1);
  assert.equal(out[0][0], items[0]);
});

test("at most BATCH knocks a batch, oldest first, none lost or repeated", () => {
  const box = outbox();
  const items = Array.from({ length: 2 * box.BATCH + 1 }, (_, i) => item(i));
  const out = box.batches(items);
  assert.deepEqual(plain(out.map((b) => b.length)), [box.BATCH, box.BATCH, 1]);
  assert.deepEqual(plain(out.flat().map((i) => i.client_uuid)), items.map((i) => i.client_uuid));
});

test("exactly BATCH knocks stay in one batch", () => {
  const box = outbox();
  const items = Array.from({ length: box.BATCH }, (_, i) => item(i));
  assert.equal(box.batches(items).length, 1);
});

test("long notes split batches under 90% of the page's body limit", () => {
  const note = "x".repeat(1000);
  const items = Array.from({ length: 30 }, (_, i) => item(i, note));
  const limit = 10000;
  const out = outbox(limit).batches(items);
  assert.ok(out.length > 1);
  for (const batch of out) {
    const size = batch.reduce((sum, it) => sum + bytes(it), 0);
    assert.ok(size <= limit * 0.9, `batch of ${size} bytes over ${limit * 0.9}`);
  }
  assert.equal(out.flat().length, items.length);
});

test("an item bigger than the limit still goes, alone", () => {
  const items = [item(1), item(2, "y".repeat(5000)), item(3)];
  const out = outbox(1000).batches(items);
  assert.deepEqual(plain(out.map((b) => b.map((i) => i.client_uuid))), [["u1"], ["u2"], ["u3"]]);
});

test("sizes are counted in UTF-8 bytes, not characters", () => {
  const note = "é".repeat(400); // 800 bytes, 400 characters
  const items = [item(1, note), item(2, note)];
  // ~846 bytes each: two are over 0.9 x 1700 (they would fit counted in characters, ~446 each)
  assert.equal(outbox(1700).batches(items).length, 2);
  assert.equal(outbox(2000).batches(items).length, 1);
});

test("without data-max-body the server's default (2 MiB) applies", () => {
  const note = "z".repeat(100000);
  const items = Array.from({ length: 25 }, (_, i) => item(i, note)); // ~2.5 MB
  const out = outbox().batches(items);
  assert.equal(out.length, 2);
  assert.equal(out[0].length, 18); // 18 x 100 kB under 0.9 x 2 MiB = 1.887 MB
});

test("aligned: the answers match the items, in order", () => {
  const { aligned } = outbox();
  const items = [item(1), item(2)];
  assert.equal(aligned(items, [{ client_uuid: "u1" }, { client_uuid: "u2" }]), true);
  assert.equal(aligned([], []), true);
});

test("aligned: a null uuid (an item the server could not read) still lines up", () => {
  const { aligned } = outbox();
  assert.equal(aligned([item(1), item(2)], [{ client_uuid: null }, { client_uuid: "u2" }]), true);
});

test("aligned: wrong order, wrong length or missing answers are refused", () => {
  const { aligned } = outbox();
  const items = [item(1), item(2)];
  assert.equal(aligned(items, [{ client_uuid: "u2" }, { client_uuid: "u1" }]), false);
  assert.equal(aligned(items, [{ client_uuid: "u1" }]), false);
  assert.equal(aligned(items, [{ client_uuid: "u1" }, { client_uuid: "u2" }, {}]), false);
  assert.equal(aligned(items, [{ client_uuid: "u1" }, null]), false);
  assert.equal(aligned(items, [{ client_uuid: "u1" }, {}]), false); // undefined is not null
});
