/* fieldapp phone: what every phone page shares. Registers the offline worker, asks to keep
 * storage, draws the sync bar (queued count, status, Sync now, the held list) and
 * guards the logout button: unsent knocks are announced, and logout wipes the walk data. */
(function () {
  "use strict";
  var fieldapp = window.fieldapp = window.fieldapp || {};
  var store = fieldapp.store;
  var outbox = fieldapp.outbox;

  function $(id) { return document.getElementById(id); }

  /** Register the worker at the site root; resolves when one is active (or never needed). */
  function registerWorker() {
    if (!("serviceWorker" in navigator)) return Promise.resolve(false);
    var url = store.config().swUrl || "/sw.js";
    return navigator.serviceWorker.register(url, { scope: "/" })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function () { return true; }, function () { return false; });
  }

  /** Ask the browser not to evict our data under storage pressure (queued knocks live here). */
  function askPersistence() {
    if (navigator.storage && navigator.storage.persist) {
      navigator.storage.persisted().then(function (yes) {
        if (!yes) navigator.storage.persist();
      }).catch(function () {});
    }
  }

  /** "147 16th St #3": a bare unit number after the street reads like another address. */
  function doorAddress(door) {
    if (!door.unit) return door.address;
    return door.address + (/^[0-9A-Za-z-]+$/.test(door.unit) ? " #" : ", ") + door.unit;
  }

  function outcomeLabel(code) {
    var o = (fieldapp.outcomes || {})[code];
    return o ? o.label : (code === "void" || !code ? t("Undo") : code);
  }

  /** The sync bar: how many knocks wait, what happened last, and what needs attention. */
  function drawSyncBar(state) {
    var count = $("outbox-count");
    if (!count) return;
    count.textContent = fieldapp.i18n.formatNumber(state.count);
    document.body.dataset.outbox = String(state.count);
    $("outbox-label").textContent = tn(state.count, "knock waiting to sync", "knocks waiting to sync");
    var bar = $("syncbar");
    bar.classList.toggle("has-queue", state.count > 0);
    bar.classList.toggle("has-error", !!state.error);
    var status = $("sync-status");
    if (state.syncing) status.textContent = t("Sending…");
    else if (state.error) status.textContent = state.error;
    else if (state.lastSync) status.textContent = t("All sent at {time}", { time: fieldapp.i18n.formatTime(state.lastSync) });
    else status.textContent = navigator.onLine ? "" : t("Offline: knocks are kept on this phone.");
    var aside = (state.attention || []).filter(function (a) { return !a.stored; }).length;
    if (aside) status.textContent += (status.textContent ? " · " : "") +
      tn(aside, "{count} knock set aside on this phone: send for review below.",
         "{count} knocks set aside on this phone: send for review below.", { count: aside });
    drawAttention(state.attention || []);
  }

  /** Why the phone set an item aside after failing to send it, in the volunteer's language. */
  function failedReason(item) {
    if (item.status !== "failed" || !item.failures) return "";
    var error = item.error === "network" ? t("no connection") : item.error;
    return tn(item.failures, "The server failed on it once (error {error}).",
              "The server failed on it {n} times (error {error}).", { n: item.failures, error: error });
  }

  /** The held list: knocks the server holds for review ("sent for review", may be dismissed)
   *  and knocks set aside on this phone (refused or failing: "Send for review", no dismiss,
   *  since this phone holds their only copy). */
  function drawAttention(items) {
    var box = $("attention");
    if (!box) return;
    box.hidden = items.length === 0;
    var list = $("attention-list");
    list.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.className = item.stored ? "is-held" : "is-set-aside";
      li.dataset.clientUuid = item.client_uuid;
      var what = document.createElement("p");
      what.textContent = (item.meta.address || t("Door {id}", { id: item.payload.household_id })) + ": " +
        outcomeLabel(item.payload.outcome || "void") + " — " +
        (item.stored ? t("sent for review") : t("set aside on this phone ({status})", { status: item.status }));
      var why = document.createElement("p");
      why.className = "muted";
      var errors = Object.keys(item.errors || {}).map(function (k) { return k + ": " + item.errors[k]; });
      why.textContent = item.stored ?
        (item.reason ? t("Your organizer will look at it ({reason}).", { reason: item.reason }) :
          t("Your organizer will look at it.")) :
        (errors.join("; ") || failedReason(item) || item.reason || t("The server could not take it.")) + " " +
        t("It stays on this phone until you send it for review.");
      li.appendChild(what);
      li.appendChild(why);
      if (item.review_error && !item.stored) {
        var failed = document.createElement("p");
        failed.className = "review-error";
        failed.textContent = item.review_error;
        li.appendChild(failed);
      }
      var action = document.createElement("button");
      action.type = "button";
      if (item.stored) {
        action.className = "dismiss";
        action.textContent = t("Dismiss");
        action.addEventListener("click", function () { outbox.dismiss(item.client_uuid); });
      } else {
        action.className = "send-review";
        action.textContent = t("Send for review");
        action.addEventListener("click", function () {
          action.disabled = true;
          outbox.sendForReview(item.client_uuid);
        });
      }
      li.appendChild(action);
      list.appendChild(li);
    });
  }

  /** Logout: warn about unsent knocks, then wipe voter data and queued knocks from the phone. */
  function guardLogout() {
    var form = $("logout-form");
    if (!form) return;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      Promise.all([outbox.list(), outbox.refresh()]).then(function (r) {
        // Knocks set aside and not yet sent for review are unsent too.
        var items = r[0].concat((r[1].attention || []).filter(function (a) { return !a.stored; }));
        if (items.length && !window.confirm(tn(items.length,
            "{count} knock has not been sent yet. Logging out deletes it from this phone. Log out anyway?",
            "{count} knocks have not been sent yet. Logging out deletes them from this phone. Log out anyway?",
            { count: items.length }))) {
          outbox.sync();
          return;
        }
        store.wipe().then(function () { form.submit(); }, function () { form.submit(); });
      }, function () { store.wipe().then(function () { form.submit(); }); });
    });
  }

  /** Start the shared parts; resolves when the worker is active (pages then keep themselves). */
  function boot() {
    var outcomes = $("outcomes-data");
    fieldapp.outcomes = {};
    if (outcomes) {
      JSON.parse(outcomes.textContent).forEach(function (o) { fieldapp.outcomes[o.code] = o; });
    }
    outbox.onChange(drawSyncBar);
    var syncNow = $("sync-now");
    if (syncNow) syncNow.addEventListener("click", function () { outbox.sync(); });
    window.addEventListener("offline", function () { outbox.refresh(); });
    guardLogout();
    askPersistence();
    outbox.start();
    return registerWorker();
  }

  fieldapp.app = { boot: boot, outcomeLabel: outcomeLabel, doorAddress: doorAddress };
})();
