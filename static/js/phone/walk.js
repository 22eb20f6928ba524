/* fieldapp phone: the walk list. Draws the turf's doors from its JSON (fresh, or the copy kept
 * on the phone), with the next door on top; logs knocks into the outbox with device time and
 * position; shows each door's new status at once (optimistic) and offers Undo for a minute. */
(function () {
  "use strict";
  var fieldapp = window.fieldapp = window.fieldapp || {};
  var store = fieldapp.store;
  var outbox = fieldapp.outbox;

  var UNDO_MS = 60000;
  var GUARD_MS = 400;            // after a save, taps on a door are ignored (a double tap's second)
  var FIX_MAX_AGE_MS = 120000;   // an older position says little about this door

  var turf = null;
  var mapView = null;
  var lastSeq = 0;               // walk position: the next door is the first unknocked after it
  var lastFix = null;            // latest geolocation fix
  var undoable = null;           // {uuid, door, prev, timer}
  var guardUntil = 0;            // Date.now() before which a door does not open

  function $(id) { return document.getElementById(id); }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function label(code) { return fieldapp.app.outcomeLabel(code); }

  function byId(id) {
    return turf.households.filter(function (d) { return d.id === id; })[0];
  }

  /** The first door not knocked yet after where the volunteer is, else the first one at all. */
  function nextDoor() {
    var open = turf.households.filter(function (d) { return !d.last_outcome; });
    return open.filter(function (d) { return d.seq > lastSeq; })[0] || open[0] || null;
  }

  /** Queued knocks (not yet on the server) are shown as if they were: replay them in order. */
  function applyQueued(items) {
    items.forEach(function (item) {
      if (item.meta.turf_id !== turf.id) return;
      var door = byId(item.payload.household_id);
      if (!door) return;
      door.last_outcome = item.payload.voids ? item.meta.restores || null : item.payload.outcome;
    });
  }

  function keepTurf() {
    return store.putJson(store.config().turfUrl, turf).catch(function () {});
  }

  function fullAddress(door) { return fieldapp.app.doorAddress(door); }

  function doorSummary(door) {
    var box = el("div", "door-text");
    box.appendChild(el("span", "door-address", fullAddress(door)));
    box.appendChild(el("span", "door-voters", door.voters.map(function (v) { return v.name; }).join(", ")));
    return box;
  }

  function draw() {
    var next = nextDoor();
    var knocked = turf.households.filter(function (d) { return d.last_outcome; }).length;
    $("turf-progress").textContent = t("{knocked} of {total} doors knocked", {
      knocked: fieldapp.i18n.formatNumber(knocked), total: fieldapp.i18n.formatNumber(turf.households.length) }) +
      " · " + turf.race_name + (fieldapp.offlineCopy ? " · " + t("offline copy") : "");
    drawNext(next);
    var list = $("door-list");
    list.textContent = "";
    turf.households.forEach(function (door, i) {
      // The units of one building are one stop: the second and later are drawn under the first.
      var prev = turf.households[i - 1];
      var li = el("li", door.unit && prev && prev.address === door.address ? "same-building" : "");
      var b = el("button", "door" + (door.last_outcome ? " is-done" : "") + (next && door.id === next.id ? " is-next" : ""));
      b.type = "button";
      b.dataset.householdId = door.id;
      b.appendChild(el("span", "door-seq", String(door.seq)));
      b.appendChild(doorSummary(door));
      b.appendChild(el("span", "door-status status-" + (door.last_outcome || "none"),
                       door.last_outcome ? label(door.last_outcome) : t("To do")));
      b.addEventListener("click", function () { openDoor(door); });
      li.appendChild(b);
      list.appendChild(li);
    });
    fieldapp.walkmap.update(mapView, next && next.id);
  }

  function drawNext(next) {
    var box = $("next-door");
    box.textContent = "";
    box.hidden = false;
    if (!next) {
      box.appendChild(el("p", "all-done", t("Every door is knocked. Thank you!")));
      return;
    }
    var b = el("button", "next-card");
    b.type = "button";
    b.id = "next-door-button";
    b.dataset.householdId = next.id;
    b.appendChild(el("span", "next-label", t("Next door · #{seq}", { seq: next.seq })));
    b.appendChild(doorSummary(next));
    b.appendChild(el("span", "next-action", t("Tap to log this door")));
    b.addEventListener("click", function () { openDoor(next); });
    box.appendChild(b);
  }

  /** Open a door's sheet, unless a save just happened: the second tap of a double tap on an
   *  outcome lands on the next door's card, which must not open (and then log) that door. */
  function openDoor(door) {
    if (Date.now() < guardUntil) return;
    locate(false);  // logging a knock is when the phone asks for its position, if ever
    fieldapp.walkform.open(door, turf.script, function (outcome, extra) { logKnock(door, outcome, extra); },
                           turf.intro, turf.intro_es);
  }

  /** Record a knock: outbox first (it survives a reload), then the screen, then try to send. */
  function logKnock(door, outcome, extra) {
    var payload = { client_uuid: store.uuid(), household_id: door.id, outcome: outcome,
                    knocked_at: store.localIso() };
    if (extra.voter_id) payload.voter_id = extra.voter_id;
    if (extra.talked_to) payload.talked_to = extra.talked_to;  // who, each with answers
    if (extra.someone_else) payload.someone_else = true;
    if (extra.new_door) payload.new_door = extra.new_door;  // a unit not on the list
    if (extra.answers && Object.keys(extra.answers).length) payload.answers = extra.answers;
    if (extra.note) payload.note = extra.note;
    if (lastFix && Date.now() - lastFix.at < FIX_MAX_AGE_MS) {
      payload.location = { lat: lastFix.lat, lon: lastFix.lon, accuracy_m: lastFix.accuracy };
    }
    var prev = door.last_outcome || null;
    guardUntil = Date.now() + GUARD_MS;
    door.last_outcome = outcome;
    lastSeq = door.seq;
    draw();
    window.scrollTo({ top: 0 });
    return outbox.add(payload, { turf_id: turf.id, prev_outcome: prev, address: fullAddress(door) })
      .then(function () {
        keepTurf();
        if (payload.new_door) {  // logged at a unit not on the list: no undo from this door
          showToast(t("Saved at the unit not on the list."), false);
        } else {
          offerUndo(payload.client_uuid, door, prev, outcome);
          $("undo").focus({ preventScroll: true });  // not <body>: the next step is one Tab away
        }
        if (navigator.onLine) outbox.sync();
      }, function (error) {
        door.last_outcome = prev;
        draw();
        showToast(t("Could not save on this phone: {error}. Try again.", { error: error }), false);
      });
  }

  function showToast(text, withUndo) {
    $("toast-text").textContent = text;
    $("undo").hidden = !withUndo;
    $("toast").hidden = false;
  }

  function hideToast() {
    $("toast").hidden = true;
    if (undoable) clearTimeout(undoable.timer);
    undoable = null;
  }

  function offerUndo(uuid, door, prev, outcome) {
    if (undoable) clearTimeout(undoable.timer);
    undoable = { uuid: uuid, door: door, prev: prev, timer: setTimeout(hideToast, UNDO_MS) };
    showToast(t("Saved: {outcome} at {address}", { outcome: label(outcome), address: fullAddress(door) }), true);
  }

  /** Undo the last knock: drop it if still queued, else queue an undo event for the server. */
  function undo() {
    if (!undoable) return;
    var last = undoable;
    hideToast();
    outbox.take(last.uuid).then(function (taken) {
      if (taken) return null;
      return outbox.add({ client_uuid: store.uuid(), household_id: last.door.id, voids: last.uuid,
                          knocked_at: store.localIso() },
                        { turf_id: turf.id, restores: last.prev, address: fullAddress(last.door) })
        .then(function () { if (navigator.onLine) outbox.sync(); });
    }).then(function () {
      last.door.last_outcome = last.prev;
      lastSeq = last.door.seq - 1;
      draw();
      keepTurf();
      showToast(t("Undone: {address} is back on the list.", { address: fullAddress(last.door) }), false);
      var card = $("next-door-button");
      if (card) card.focus({ preventScroll: true });  // the Undo button is gone: not <body>
      setTimeout(function () { if (!undoable) $("toast").hidden = true; }, 4000);
    });
  }

  var watching = false;         // a watchPosition is running
  var wantCentre = false;       // "Where am I?" waits for the first fix to centre the map

  /** Follow the phone's position (never required). The browser asks the volunteer only when
   *  they open a door to log it or tap "Where am I?"; a page load never asks, it only follows
   *  a position allowed before. `centre` moves the map to the "you are here" dot. */
  function locate(centre) {
    if (!navigator.geolocation) return;
    if (centre) wantCentre = true;
    if (watching) {
      if (centre && lastFix) fieldapp.walkmap.centre(mapView, lastFix.lat, lastFix.lon);
      return;
    }
    watching = true;
    navigator.geolocation.watchPosition(function (fix) {
      lastFix = { lat: fix.coords.latitude, lon: fix.coords.longitude,
                  accuracy: Math.round(fix.coords.accuracy * 10) / 10, at: Date.now() };
      fieldapp.walkmap.setPosition(mapView, lastFix.lat, lastFix.lon, lastFix.accuracy);
      if (wantCentre) { wantCentre = false; fieldapp.walkmap.centre(mapView, lastFix.lat, lastFix.lon); }
    }, function () { watching = false; /* refused or unavailable: knocks are saved without one */ },
    { enableHighAccuracy: true, maximumAge: 30000, timeout: 60000 });
  }

  /** At load, follow the position only if the volunteer allowed it before (no prompt). */
  function followIfAllowed() {
    if (!navigator.permissions || !navigator.geolocation) return;
    navigator.permissions.query({ name: "geolocation" }).then(function (status) {
      if (status.state === "granted") locate(false);
    }, function () {});
  }

  function showTurf(result) {
    turf = result.data;
    fieldapp.offlineCopy = !result.fresh;
    return outbox.list().then(function (items) {
      applyQueued(items);
      var cfg = store.config();
      if (cfg.map) {
        mapView = fieldapp.walkmap.init($("walk-map"), turf, {
          tiles: cfg.tiles, attribution: cfg.attribution, onDoor: openDoor });
      }
      draw();
      followIfAllowed();
      fieldapp.ready = true;
    });
  }

  /** Back online: take the doors' latest status from the server (another canvasser may have
   * knocked them) and stop calling the list an offline copy. Queued knocks stay on top. */
  function refresh() {
    if (!turf) return Promise.resolve();
    return store.fetchJson(store.config().turfUrl).then(function (result) {
      if (!result.fresh) return null;
      return outbox.list().then(function (items) {
        var latest = {};
        result.data.households.forEach(function (d) { latest[d.id] = d.last_outcome || null; });
        turf.households.forEach(function (d) {
          if (d.id in latest) d.last_outcome = latest[d.id];
        });
        applyQueued(items);
        fieldapp.offlineCopy = false;
        draw();
        keepTurf();
      });
    }).catch(function () { /* still no signal: keep the copy */ });
  }

  function start() {
    var cfg = store.config();
    $("undo").addEventListener("click", undo);
    if ($("where-am-i")) $("where-am-i").addEventListener("click", function () { locate(true); });
    window.addEventListener("online", function () { setTimeout(refresh, 2000); });
    var workerReady = fieldapp.app.boot();
    var loaded = store.fetchJson(cfg.turfUrl).then(showTurf, function () {
      $("turf-progress").textContent = t("No signal, and this turf's doors are not on this phone yet. " +
        "Open it once with signal.");
      fieldapp.ready = true;
    });
    Promise.all([loaded, workerReady]).then(function () {
      return store.keepPages([location.pathname]);
    }).then(function () { fieldapp.offlineReady = true; });
  }

  document.addEventListener("DOMContentLoaded", start);
  fieldapp.walk = { undo: undo, logKnock: logKnock, refresh: refresh, guardMs: GUARD_MS,
                    guarded: function () { return Date.now() < guardUntil; } };
})();
