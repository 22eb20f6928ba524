// FieldMaps.decodeDoors (static/js/maps/canvas-layers.js) reads what fieldapp/maps/encode.py's
// encode_doors writes: zigzag LEB128 latitude then longitude deltas, then a nibble per door.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { load, plain } = require("./load.js");

/** Just enough of Leaflet for the script to define its layer classes. */
function leafletStub() {
  function extend(proto) {
    function Class() {}
    Class.prototype = Object.assign(Object.create(this.prototype || {}), proto);
    Class.extend = extend;
    return Class;
  }
  return { Layer: { extend }, Canvas: { extend }, bind: (fn) => fn, DomUtil: {}, point: () => ({}) };
}

const FM = load(["maps/canvas-layers.js"], { L: leafletStub() }).FieldMaps;
const SCALE = 100000;

/** The encoding, written as encode_doors does (in the order given, without its sort). */
function encode(doors, ncodes = 12) {
  const q = doors.map(([lat, lon, code]) => [Math.round(lat * SCALE), Math.round(lon * SCALE), code]);
  const origin = q.length ? [Math.min(...q.map((d) => d[0])), Math.min(...q.map((d) => d[1]))] : [0, 0];
  const bytes = [];
  for (const axis of [0, 1]) {
    let previous = origin[axis];
    for (const door of q) {
      const delta = door[axis] - previous;
      previous = door[axis];
      let z = delta < 0 ? -2 * delta - 1 : 2 * delta; // zigzag
      do {
        const low = z % 128;
        z = Math.floor(z / 128);
        bytes.push(z ? low | 128 : low);
      } while (z);
    }
  }
  for (let i = 0; i < q.length; i += 2) bytes.push(q[i][2] | ((q[i + 1] ? q[i + 1][2] : 0) << 4));
  const counts = new Array(ncodes).fill(0);
  q.forEach((d) => { counts[d[2]] += 1; });
  return { n: q.length, o: origin, k: SCALE, b: Buffer.from(bytes).toString("base64"), c: counts };
}

function near(actual, expected, what) {
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} is not ${expected}`);
}

function checkDoors(decoded, doors) {
  assert.equal(decoded.n, doors.length);
  doors.forEach(([lat, lon, code], i) => {
    near(decoded.x[i], 0.5 + Math.round(lon * SCALE) / SCALE / 360, `x of door ${i}`);
    near(decoded.y[i], FM.mercY(Math.round(lat * SCALE) / SCALE), `y of door ${i}`);
    assert.equal(decoded.code[i], code, `code of door ${i}`);
  });
}

test("a fixture written by encode_doors decodes to its doors", () => {
  // encode_doors(lat, lon, outcome) of fieldapp/maps/encode.py, for the five doors below
  // (outcome -1 = not knocked, written as code 0); it sorts them south to north in strips.
  const fixture = { n: 5, o: [-3386880, -7400601], k: 100000,
                    b: "AJSjjgfMEgKeiAH2mr0V84G9Ff8YAdKlAWMQDA==",
                    c: [1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0] };
  const doors = [[-33.8688, 151.2093, 3], [40.7009, -73.99, 6], [40.71281, -74.00601, 1],
                 [40.7128, -74.006, 0], [40.8, -73.9, 12]];
  const decoded = FM.decodeDoors(fixture);
  const got = Array.from({ length: decoded.n }, (_, i) => [decoded.x[i], decoded.y[i], decoded.code[i]]);
  const want = doors.map(([lat, lon, code]) => [0.5 + lon / 360, FM.mercY(lat), code]);
  const key = (d) => d[2];
  got.sort((a, b) => key(a) - key(b));
  want.sort((a, b) => key(a) - key(b));
  got.forEach((door, i) => {
    near(door[0], want[i][0], "x");
    near(door[1], want[i][1], "y");
    assert.equal(door[2], want[i][2]);
  });
  assert.deepEqual(plain(decoded.counts), fixture.c);
  assert.equal(decoded.ncodes, 12);
});

test("no doors", () => {
  const decoded = FM.decodeDoors({ n: 0, o: [0, 0], k: SCALE, b: "", c: [0, 0, 0] });
  assert.equal(decoded.n, 0);
  assert.equal(decoded.x.length, 0);
  assert.equal(decoded.code.length, 0);
  assert.equal(decoded.ncodes, 3);
});

test("one door (an odd count: the last nibble is padding)", () => {
  const doors = [[40.7, -74.0, 7]];
  checkDoors(FM.decodeDoors(encode(doors)), doors);
});

test("deltas of every size, both signs, across the world", () => {
  const doors = [[40.7, -74.0, 1], [40.70001, -74.0, 2], [40.69999, -73.99999, 3],
                 [-33.87, 151.21, 4], [64.1, -21.9, 5], [0, 0, 6], [-89.9, 179.99, 7],
                 [89.9, -179.99, 8]];
  checkDoors(FM.decodeDoors(encode(doors)), doors);
});

test("every code a nibble holds (0 to 15) comes back, with its count", () => {
  const doors = Array.from({ length: 16 }, (_, code) => [40 + code / 1000, -74 - code / 1000, code]);
  const encoded = encode(doors, 16);
  const decoded = FM.decodeDoors(encoded);
  checkDoors(decoded, doors);
  assert.equal(decoded.ncodes, 16);
  assert.deepEqual(plain(decoded.counts), new Array(16).fill(1));
});

test("thousands of random doors round-trip", () => {
  let seed = 19;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const doors = Array.from({ length: 5001 }, () => [40.5 + random() * 0.4, -74.2 + random() * 0.5,
                                                    Math.floor(random() * 12)]);
  checkDoors(FM.decodeDoors(encode(doors)), doors);
});
