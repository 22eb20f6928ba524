// Loads fieldapp's browser scripts into a Node `vm` context, as a page's <script> tags would:
// no bundler, no npm packages. Each script hangs its API off `window`, which is the context.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const STATIC = path.resolve(__dirname, "..", "..", "static", "js");

/** A fresh window with the given globals, after running each static/js script named. */
function load(scripts, globals = {}) {
  const context = vm.createContext({
    Blob, atob, btoa, console, Uint8Array, Float64Array, Math, JSON, Promise,
    t: (text) => text, tn: (n, one, other) => (n === 1 ? one : other),
    ...globals,
  });
  context.window = context;
  for (const script of scripts) {
    const file = path.join(STATIC, script);
    vm.runInContext(fs.readFileSync(file, "utf8"), context, { filename: file });
  }
  return context;
}

/** A value made in the context as this realm's plain JSON data (arrays there are not Arrays here,
 * so assert's strict deepEqual would refuse them). */
function plain(value) {
  return JSON.parse(JSON.stringify(value));
}

module.exports = { load, plain };
