/* fieldapp phone: the outbox. Every knock is queued in IndexedDB with its own UUID and leaves
 * the queue only when the server stored it: created, duplicate, or held for an organizer's
 * review (shown as "sent for review", never retried). An item the server refuses (invalid,
 * conflict) or that keeps failing on its own is set aside on the phone, in the same list, with
 * a "Send for review" button (POST /api/v1/knocks/review with its raw payload), so one bad item
 * never blocks the items after it. Dismiss only ever hides what the server has stored.
 * A batch that fails as a whole (5xx, a dropped connection) is bisected, as on 413, down to the
 * single item that fails; an item is set aside after failing alone SET_ASIDE_AFTER times while
 * the server answered other requests (a server that is down sets nothing aside).
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
  var SET_ASIDE_AFTER = 3;   // failures of an item sent alone, each in a round the server answered
  var ROUND_FAILURES = 16;   // failed requests in one round before it stops (the server is down)

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

  /** Hide an entry of the held list: only one the server has stored (never the last copy). */
  function dismiss(clientUuid) {
    return store.tx("attention", "readwrite", function (s) {
      var request = s.get(clientUuid);
      request.onsuccess = function () {
        if (request.result && request.result.stored) s.delete(clientUuid);
      };
    }).then(refresh);
  }

  /** The entry kept in the held list for an item: stored (the server holds it for review)
   *  or set aside on this phone (waiting for "Send for review"). */
  function heldEntry(item, fields) {
    var entry = { client_uuid: item.client_uuid, user_id: item.user_id, payload: item.payload,
                  meta: item.meta, errors: {}, stored: false, set_aside_at: Date.now() };
    Object.keys(fields).forEach(function (k) { entry[k] = fields[k]; });
    return entry;
  }

  /** Apply the server's verdicts in one transaction: stored items leave the outbox (held ones
   *  are listed as sent for review), refused ones are set aside in the held list, all in one
   *  transaction so a crash can never lose one in between. */
  function settle(items, results) {
    return store.tx(["outbox", "attention"], "readwrite", function (t) {
      var outbox = t.objectStore("outbox");
      var attention = t.objectStore("attention");
      items.forEach(function (item, i) {
        var verdict = results[i] || {};
        if (CONFIRMED[verdict.status]) {
          outbox.delete(item.seq);
        } else if (verdict.status === "held") {
          attention.put(heldEntry(item, { status: "held", stored: true, reason: verdict.reason || "",
                                          held_id: verdict.held_id || null }));
          outbox.delete(item.seq);
        } else if (verdict.status) {
          attention.put(heldEntry(item, { status: verdict.status, errors: verdict.errors || {},
                                          reason: verdict.reason || "" }));
          outbox.delete(item.seq);
        }
      });
    });
  }

  /** One more failure of an item sent alone; set aside once it has failed often enough. */
  function failedAlone(item, error) {
    var failures = (item.failures || 0) + 1;
    return store.tx(["outbox", "attention"], "readwrite", function (t) {
      var outbox = t.objectStore("outbox");
      if (failures < SET_ASIDE_AFTER) {
        item.failures = failures;
        outbox.put(item);
        return;
      }
      // reason goes to the organizer in English; failures and error let the phone say it in
      // the volunteer's language (app.js).
      t.objectStore("attention").put(heldEntry(item, {
        status: "failed", failures: failures, error: String(error.status || "network"),
        reason: "the server failed on it " + failures + " times (error " +
          (error.status || "network") + ")" }));
      outbox.delete(item.seq);
    });
  }

  /** Why an item was set aside, in words (also sent to the organizer with it). */
  function reasonOf(entry) {
    var errors = Object.keys(entry.errors || {}).map(function (k) { return k + ": " + entry.errors[k]; });
    return (entry.status + (errors.length ? ": " + errors.join("; ") : "") +
            (entry.reason ? " (" + entry.reason + ")" : "")).slice(0, 500);
  }

  /** Send an item set aside to the server's review list (raw payload). Idempotent per uuid. */
  function sendForReview(clientUuid) {
    return store.tx("attention", "readonly", function (s) { return s.get(clientUuid); }).then(function (entry) {
      if (!entry || entry.stored) return entry;
      return postJson(store.config().reviewUrl || "/api/v1/knocks/review",
                      { client_uuid: entry.client_uuid, payload: entry.payload, reason: reasonOf(entry) })
        .then(function (json) {
          if (!json || json.status !== "held") throw { status: 200, code: "unexpected" };
          entry.stored = true;
          entry.held_id = json.held_id || null;
          entry.review_error = null;
          return store.tx("attention", "readwrite", function (s) { return s.put(entry); });
        }, function (error) {
          entry.review_error = error.status === 0 ? t("No connection: try again with signal.") :
            t("The server could not take it (error {status}). Try again later.", { status: error.status });
          return store.tx("attention", "readwrite", function (s) { return s.put(entry); });
        });
    }).then(refresh);
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

  /** POST a JSON body (renewing a stale CSRF token once). Resolves the answer's JSON, or
   *  rejects with {status, code}: status 0 when the request never got an answer. */
  function postJson(url, data, accept, retried) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", cache: "no-store", body: JSON.stringify(data),
      headers: { "Content-Type": "application/json", Accept: "application/json",
                 "X-CSRFToken": csrfToken() },
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        if (response.ok && (!accept || accept(json))) return json;
        var code = json && json.error ? json.error.code : "";
        if (response.status === 400 && code === "csrf" && !retried) {
          return renewToken().then(function (ok) {
            if (ok) return postJson(url, data, accept, true);
            throw { status: 400, code: "csrf" };
          });
        }
        throw { status: response.status || 0, code: code, answered: true };
      });
    }, function () { throw { status: 0, code: "network" }; });
  }

  /** POST one batch. Resolves the per-item results, or rejects with {status, code}. */
  function post(items) {
    return postJson(store.config().batchUrl || "/api/v1/knocks/batch",
                    { knocks: items.map(function (i) { return i.payload; }) },
                    function (json) {
                      return json && Array.isArray(json.results) && aligned(items, json.results);
                    }).then(function (json) { return json.results; });
  }

  /** Is the server answering at all? An empty batch is refused (422) by a live server. */
  function probe() {
    return postJson(store.config().batchUrl || "/api/v1/knocks/batch", { knocks: [] })
      .then(function () { return true; }, function (error) { return error.status > 0 && error.status < 500; });
  }

  /** A failure that may be one item's doing (bisect it), not the phone's or the login's. */
  function itemMayCause(error) {
    if (error.status === 0) return navigator.onLine !== false;
    return error.status >= 500 || (error.status === 200 && error.answered);
  }

  function describe(error, count) {
    var kept = tn(count, "{count} knock is kept on this phone", "{count} knocks are kept on this phone",
                  { count: count });
    if (error.status === 0) return t("No connection. {kept} and will be sent when you are back online.", { kept: kept });
    if (error.status === 401) return t("Your login has expired. Log in again to send them: {kept}.", { kept: kept });
    if (error.code === "csrf") return t("This page is out of date. Reload it to send: {kept}.", { kept: kept });
    return t("The server could not take them (error {status}). {kept}; trying again every 30 seconds.",
             { status: error.status, kept: kept });
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
      var round = { failures: 0, alive: false };
      var chain = Promise.resolve();
      batches(items).forEach(function (batch) { chain = chain.then(sendBatch.bind(null, batch, round)); });
      return chain.then(function () {
        // Everything else went; a knock the server failed on alone stays queued for now.
        var failedWith = round.lastError && (round.lastError.status || t("network"));
        state.error = round.lastError ? t("The server failed on a knock (error {status}); the others " +
          "were sent. It stays on this phone and is set aside for review if it keeps failing.",
          { status: failedWith }) : null;
        state.errorStatus = round.lastError ? round.lastError.status : null;
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
      state.error = t("Could not read the outbox: {error}", { error: error });
      return refresh();
    });
    return running;
  }

  /** Send one batch; on a failure an item may cause, bisect down to the item that fails and
   *  carry on with the rest. Rejects (ending the round) when the server seems down. */
  function sendBatch(batch, round) {
    if (!batch.length) return Promise.resolve();
    batch.forEach(function (i) { inFlight[i.client_uuid] = true; });
    function done() { batch.forEach(function (i) { delete inFlight[i.client_uuid]; }); }
    return post(batch).then(function (results) {
      round.alive = true;
      return settle(batch, results).then(function () {
        done();
        document.dispatchEvent(new CustomEvent("fieldapp:synced", { detail: { items: batch, results: results } }));
      });
    }, function (error) {
      done();
      if (error.status > 0 && error.status < 500) round.alive = true;
      var half = Math.ceil(batch.length / 2);
      // Still too large for the server (its limit is lower than the page said): halve it.
      if (error.status === 413 && batch.length > 1) {
        return sendBatch(batch.slice(0, half), round).then(sendBatch.bind(null, batch.slice(half), round));
      }
      if (!itemMayCause(error)) throw error;
      round.failures += 1;
      if (round.failures > ROUND_FAILURES) throw error;
      if (batch.length > 1) {
        // The first half first: the oldest knocks keep going first (an undo follows its knock).
        return sendBatch(batch.slice(0, half), round).then(sendBatch.bind(null, batch.slice(half), round));
      }
      // One item that fails on its own: count it only if the server answers other requests.
      return (round.alive ? Promise.resolve(true) : probe()).then(function (alive) {
        if (!alive) throw error;
        round.alive = true;
        round.lastError = error;
        return failedAlone(batch[0], error);
      });
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
    dismiss: dismiss, sendForReview: sendForReview, refresh: refresh, state: state,
    setAsideAfter: SET_ASIDE_AFTER, isInFlight: function (u) { return !!inFlight[u]; },
    // Pure helpers, exposed for tests/js/outbox.test.js.
    batches: batches, aligned: aligned, BATCH: BATCH,
  };
})();
