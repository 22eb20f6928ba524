/* fieldapp phone: what every phone page shares. Registers the offline worker, asks to keep
 * storage, draws the sync bar (queued count, status, Sync now, needs-attention list) and
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
    return o ? o.label : (code === "void" || !code ? "Undo" : code);
  }

  /** The sync bar: how many knocks wait, what happened last, and what needs attention. */
  function drawSyncBar(state) {
    var count = $("outbox-count");
    if (!count) return;
    count.textContent = String(state.count);
    document.body.dataset.outbox = String(state.count);
    $("outbox-label").textContent = state.count === 1 ? "knock waiting to sync" : "knocks waiting to sync";
    var bar = $("syncbar");
    bar.classList.toggle("has-queue", state.count > 0);
    bar.classList.toggle("has-error", !!state.error);
    var status = $("sync-status");
    if (state.syncing) status.textContent = "Sending…";
    else if (state.error) status.textContent = state.error;
    else if (state.lastSync) status.textContent = "All sent at " + state.lastSync.toLocaleTimeString();
    else status.textContent = navigator.onLine ? "" : "Offline: knocks are kept on this phone.";
    drawAttention(state.attention || []);
  }

  function drawAttention(items) {
    var box = $("attention");
    if (!box) return;
    box.hidden = items.length === 0;
    var list = $("attention-list");
    list.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      var what = document.createElement("p");
      what.textContent = (item.meta.address || "Door " + item.payload.household_id) + ": " +
        outcomeLabel(item.payload.outcome || "void") + " — not accepted (" + item.status + ")";
      var why = document.createElement("p");
      why.className = "muted";
      why.textContent = Object.keys(item.errors).map(function (k) { return k + ": " + item.errors[k]; })
        .join("; ") || "Tell your organizer.";
      var dismiss = document.createElement("button");
      dismiss.type = "button";
      dismiss.textContent = "Dismiss";
      dismiss.addEventListener("click", function () { outbox.dismiss(item.client_uuid); });
      li.appendChild(what);
      li.appendChild(why);
      li.appendChild(dismiss);
      list.appendChild(li);
    });
  }

  /** Logout: warn about unsent knocks, then wipe voter data and queued knocks from the phone. */
  function guardLogout() {
    var form = $("logout-form");
    if (!form) return;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      outbox.list().then(function (items) {
        if (items.length && !window.confirm(items.length + (items.length === 1 ? " knock has" : " knocks have") +
            " not been sent yet. Logging out deletes them from this phone. Log out anyway?")) {
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
