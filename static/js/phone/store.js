/* fieldapp phone: storage on the device (IndexedDB for the outbox, Cache API for turf JSON),
 * plus the small helpers every phone page shares (ids, device time, page settings).
 * Classic script: everything hangs off window.fieldapp so no build step is needed. */
(function () {
  "use strict";
  var fieldapp = window.fieldapp = window.fieldapp || {};

  var DB_NAME = "fieldapp";
  var DB_VERSION = 1;
  // Caches holding voter data or pages: wiped at logout. The shell cache holds only code.
  var DATA_CACHE = "fieldapp-data-v1";
  var PAGES_CACHE = "fieldapp-pages-v1";
  var dbPromise = null;
  var wiped = false;

  /** Settings the server put on the page root (data-* attributes). */
  function config() {
    var root = document.getElementById("phone");
    return root ? root.dataset : {};
  }

  /** Open (and on first use create) the database: outbox (queued knocks) and attention. */
  function openDb() {
    // After a logout wipe nothing may recreate the database before the page goes away.
    if (wiped) return Promise.reject(new Error("logged out"));
    if (dbPromise) return dbPromise;
    dbPromise = new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        // seq keeps knocks in the order they were made: an undo must follow its knock.
        var outbox = db.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
        outbox.createIndex("uuid", "client_uuid", { unique: true });
        db.createObjectStore("attention", { keyPath: "client_uuid" });
      };
      request.onsuccess = function () {
        var db = request.result;
        // Another tab deleting the database (logout) must not be blocked by us.
        db.onversionchange = function () { db.close(); dbPromise = null; };
        resolve(db);
      };
      request.onerror = function () { dbPromise = null; reject(request.error); };
    });
    return dbPromise;
  }

  /** Run fn(store) in a transaction; resolves with fn's request result when it commits. */
  function tx(storeName, mode, fn) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(storeName, mode);
        var out;
        // Several stores: fn gets the transaction, so a move between stores is atomic.
        var request = fn(Array.isArray(storeName) ? t : t.objectStore(storeName));
        if (request) request.onsuccess = function () { out = request.result; };
        t.oncomplete = function () { resolve(out); };
        t.onerror = function () { reject(t.error); };
        t.onabort = function () { reject(t.error); };
      });
    });
  }

  /** A v4 UUID; crypto.randomUUID needs a secure context, getRandomValues does not. */
  function uuid() {
    if (window.crypto && typeof crypto.randomUUID === "function") {
      try { return crypto.randomUUID(); } catch (e) { /* insecure context: fall through */ }
    }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); });
    return h.slice(0, 4).join("") + "-" + h.slice(4, 6).join("") + "-" + h.slice(6, 8).join("") +
      "-" + h.slice(8, 10).join("") + "-" + h.slice(10).join("");
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  /** Device time as ISO 8601 with the local offset (the server keeps the knock's local time). */
  function localIso(date) {
    var d = date || new Date();
    var offset = -d.getTimezoneOffset();
    var sign = offset >= 0 ? "+" : "-";
    var abs = Math.abs(offset);
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" +
      pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds()) +
      sign + pad(Math.floor(abs / 60)) + ":" + pad(abs % 60);
  }

  /** Keep a JSON document (a turf, the assignments) for offline use. */
  function putJson(url, data) {
    if (!window.caches) return Promise.resolve();
    return caches.open(DATA_CACHE).then(function (cache) {
      return cache.put(url, new Response(JSON.stringify(data), {
        headers: { "Content-Type": "application/json" } }));
    });
  }

  /** The kept copy of a JSON document, or null. */
  function getCachedJson(url) {
    if (!window.caches) return Promise.resolve(null);
    return caches.open(DATA_CACHE).then(function (cache) { return cache.match(url); })
      .then(function (response) { return response ? response.json() : null; });
  }

  /** Network first (kept on success), else the kept copy; rejects when neither exists.
   *  Resolves {data, fresh}: fresh=false means the phone is showing what it kept. */
  function fetchJson(url, timeoutMs) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller && setTimeout(function () { controller.abort(); }, timeoutMs || 8000);
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" },
                        cache: "no-store", signal: controller ? controller.signal : undefined })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        clearTimeout(timer);
        return putJson(url, data).then(function () { return { data: data, fresh: true }; },
                                       function () { return { data: data, fresh: true }; });
      })
      .catch(function (error) {
        clearTimeout(timer);
        return getCachedJson(url).then(function (data) {
          if (data === null) throw error;
          return { data: data, fresh: false };
        });
      });
  }

  /** Keep pages (HTML shells) so they open with no network. */
  function keepPages(urls) {
    if (!window.caches) return Promise.resolve();
    return caches.open(PAGES_CACHE).then(function (cache) {
      return Promise.all(urls.map(function (url) {
        return fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (r) {
          // A redirect means the login page: never keep that in place of the walk list.
          if (r.ok && !r.redirected) return cache.put(url, r);
        }).catch(function () { /* offline: keep what we have */ });
      }));
    });
  }

  /** Forget every trace of the walk on this phone: queued knocks, turfs, kept pages. */
  function wipe() {
    var jobs = [];
    wiped = true;
    var closing = dbPromise ? dbPromise.then(function (db) { db.close(); }, function () {}) :
      Promise.resolve();
    dbPromise = null;
    jobs.push(closing.then(function () {
      return new Promise(function (resolve) {
        var request = indexedDB.deleteDatabase(DB_NAME);
        request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
      });
    }));
    if (window.caches) {
      jobs.push(caches.keys().then(function (names) {
        return Promise.all(names.filter(function (n) { return n !== fieldapp.SHELL_CACHE; })
          .filter(function (n) { return n.indexOf("fieldapp-") === 0; })
          .map(function (n) { return caches.delete(n); }));
      }));
    }
    return Promise.all(jobs);
  }

  fieldapp.SHELL_CACHE = "fieldapp-shell-v1";
  fieldapp.store = {
    config: config, tx: tx, uuid: uuid, localIso: localIso, fetchJson: fetchJson,
    getCachedJson: getCachedJson, putJson: putJson, keepPages: keepPages, wipe: wipe,
  };
})();
