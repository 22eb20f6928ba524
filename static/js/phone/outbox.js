/* fieldapp phone: the outbox. Every knock is queued in IndexedDB with its own UUID and leaves
 * the queue only when the server confirmed it (created or duplicate). Items the server refuses
 * (invalid, forbidden, conflict) move to a "needs attention" list the volunteer can see.
 * No Background Sync (iOS lacks it): we send on open, on `online`, every 30 s and on request. */
(function () {
  "use strict";
  var fieldapp = window.fieldapp = window.fieldapp || {};
  var store = fieldapp.store;

  var BATCH = 500;           // the server's limit per request
  var BODY_SHARE = 0.9;      // of the server's body limit (data-max-body), for the JSON around

  /** The queued items in batches the server takes: at most BATCH knocks and, written out
   * as JSON, under its body limit (a batch of long notes can be over it). */
  function batches(items) {
    var limit = (Number(store.config().maxBody) || 2097152) * BODY_SHARE;
    var out = [], current = [], size = 0;
    items.forEach(function (item) {
      var bytes = new Blob([JSON.stringify(item.payload)]).size + 1;
      if (current.length && (current.length >= BATCH || size + bytes > limit)) {
        out.push(current);
        current = [];
        size = 0;
      }
      current.push(item);
      size += bytes;
    });
    if (current.length) out.push(current);
    return out;
  }
  var INTERVAL_MS = 30000;
  var CONFIRMED = { created: true, duplicate: true };

  var listeners = [];
  var inFlight = {};         // client_uuid -> true while a request carrying it is out
  var running = null;        // the sync in progress, so triggers never overlap
  var again = false;         // asked to sync while one was running
  var state = { count: 0, attention: [], syncing: false, error: null, lastSync: null };

  function userId() { return String(store.config().userId || ""); }

  /** Queued items of the logged-in user, oldest first (another user's stay untouched). */
  function list() {
    return store.tx("outbox", "readonly", function (s) { return s.getAll(); }).then(function (all) {
      return (all || []).filter(function (item) { return item.user_id === userId(); });
    });
  }

  function attentionList() {
    return store.tx("attention", "readonly", function (s) { return s.getAll(); }).then(function (all) {
      return (all || []).filter(function (item) { return item.user_id === userId(); });
    });
  }

  /** Recount and tell the page (counter, attention list, status line). */
  function refresh() {
    return Promise.all([list(), attentionList()]).then(function (r) {
      state.count = r[0].length;
      state.attention = r[1];
      state.items = r[0];
      listeners.forEach(function (fn) { fn(state); });
      return state;
    });
  }

  /** Queue a knock payload; meta is kept on the phone only (turf, previous outcome). */
  function add(payload, meta) {
    var item = { client_uuid: payload.client_uuid, payload: payload, user_id: userId(),
                 meta: meta || {}, queued_at: Date.now() };
    return store.tx("outbox", "readwrite", function (s) { return s.add(item); })
      .then(refresh).then(function () { return item; });
  }

  /** Take a knock back before it was sent. False when it is gone or on its way right now. */
  function take(clientUuid) {
    if (inFlight[clientUuid]) return Promise.resolve(false);
    var found = false;
    return store.tx("outbox", "readwrite", function (s) {
      var request = s.index("uuid").getKey(clientUuid);
      request.onsuccess = function () {
        if (request.result !== undefined) { found = true; s.delete(request.result); }
      };
    }).then(refresh).then(function () { return found; });
  }

  function dismiss(clientUuid) {
    return store.tx("attention", "readwrite", function (s) { return s.delete(clientUuid); })
      .then(refresh);
  }

  /** Apply the server's verdicts in one transaction: confirmed items leave the outbox,
   *  refused ones move to the attention list (so a crash can never lose one in between). */
  function settle(items, results) {
    return store.tx(["outbox", "attention"], "readwrite", function (t) {
      var outbox = t.objectStore("outbox");
      var attention = t.objectStore("attention");
      items.forEach(function (item, i) {
        var verdict = results[i] || {};
        if (CONFIRMED[verdict.status]) {
          outbox.delete(item.seq);
        } else if (verdict.status) {
          attention.put({ client_uuid: item.client_uuid, user_id: item.user_id,
                          payload: item.payload, meta: item.meta, status: verdict.status,
                          errors: verdict.errors || {} });
          outbox.delete(item.seq);
        }
      });
    });
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  /** A page kept offline may carry an old token: read the current one from a fresh page. */
  function renewToken() {
    return fetch(store.config().tokenPage || "/my/turfs", { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok && !r.redirected ? r.text() : ""; })
      .then(function (html) {
        var m = /<meta name="csrf-token" content="([^"]+)"/.exec(html);
        var meta = document.querySelector('meta[name="csrf-token"]');
        if (m && meta) { meta.content = m[1]; return true; }
        return false;
      }).catch(function () { return false; });
  }

  /** The server answers in the order sent; anything else is treated as a failed send. */
  function aligned(items, results) {
    return results.length === items.length && results.every(function (r, i) {
      return r && (r.client_uuid === null || r.client_uuid === items[i].client_uuid);
    });
  }

  /** POST one batch. Resolves the per-item results, or rejects with {status, code, message}. */
  function post(items, retried) {
    var body = JSON.stringify({ knocks: items.map(function (i) { return i.payload; }) });
    return fetch(store.config().batchUrl || "/api/v1/knocks/batch", {
      method: "POST", credentials: "same-origin", cache: "no-store", body: body,
      headers: { "Content-Type": "application/json", Accept: "application/json",
                 "X-CSRFToken": csrfToken() },
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        if (response.ok && json && Array.isArray(json.results) && aligned(items, json.results)) {
          return json.results;
        }
        var code = json && json.error ? json.error.code : "";
        if (response.status === 400 && code === "csrf" && !retried) {
          return renewToken().then(function (ok) {
            if (ok) return post(items, true);
            throw { status: 400, code: "csrf" };
          });
        }
        throw { status: response.status || 0, code: code };
      });
    }, function () { throw { status: 0, code: "network" }; });
  }

  function describe(error, count) {
    var kept = count + (count === 1 ? " knock is" : " knocks are") + " kept on this phone";
    if (error.status === 0) return "No connection. " + kept + " and will be sent when you are back online.";
    if (error.status === 401) return "Your login has expired. Log in again to send them: " + kept + ".";
    if (error.code === "csrf") return "This page is out of date. Reload it to send: " + kept + ".";
    return "The server could not take them (error " + error.status + "). " + kept +
      "; trying again every 30 seconds.";
  }

  /** Send everything queued, in batches, oldest first. Never drops an item on an error. */
  function sync() {
    if (running) {
      // A knock logged while a batch is out goes in the next round, not in 30 s.
      again = true;
      return running;
    }
    running = list().then(function (items) {
      if (!items.length) { state.error = null; return refresh(); }
      state.syncing = true;
      listeners.forEach(function (fn) { fn(state); });
      var chain = Promise.resolve();
      batches(items).forEach(function (batch) { chain = chain.then(sendBatch.bind(null, batch)); });
      return chain.then(function () {
        state.error = null;
        state.lastSync = new Date();
      }, function (error) {
        state.error = describe(error, items.length);
        state.errorStatus = error.status;
      });
    }).then(function () {
      state.syncing = false;
      running = null;
      if (again && !state.error) { again = false; return sync(); }
      again = false;
      return refresh();
    }, function (error) {
      state.syncing = false;
      running = null;
      state.error = "Could not read the outbox: " + error;
      return refresh();
    });
    return running;
  }

  function sendBatch(batch) {
    batch.forEach(function (i) { inFlight[i.client_uuid] = true; });
    function done() { batch.forEach(function (i) { delete inFlight[i.client_uuid]; }); }
    return post(batch).then(function (results) {
      return settle(batch, results).then(function () {
        done();
        document.dispatchEvent(new CustomEvent("fieldapp:synced", { detail: { items: batch, results: results } }));
      });
    }, function (error) {
      done();
      // Still too large for the server (its limit is lower than the page said): halve it.
      if (error.status === 413 && batch.length > 1) {
        var half = Math.ceil(batch.length / 2);
        return sendBatch(batch.slice(0, half)).then(sendBatch.bind(null, batch.slice(half)));
      }
      throw error;
    });
  }

  function onChange(fn) { listeners.push(fn); }

  /** Start the send triggers: now, when the network comes back, and on a timer. */
  function start() {
    window.addEventListener("online", function () { sync(); });
    setInterval(function () { sync(); }, INTERVAL_MS);
    return sync();
  }

  fieldapp.outbox = {
    add: add, take: take, list: list, sync: sync, start: start, onChange: onChange,
    dismiss: dismiss, refresh: refresh, state: state, isInFlight: function (u) { return !!inFlight[u]; },
  };
})();
