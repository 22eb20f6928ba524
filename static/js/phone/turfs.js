/* fieldapp phone: the "My turfs" page. Draws the assignments from /api/v1/assignments (the
 * kept copy when offline) and keeps every assigned turf's walk page and JSON on the phone, so a
 * volunteer who opened this page once with signal can walk any of their turfs without it. */
(function () {
  "use strict";
  var fieldapp = window.fieldapp = window.fieldapp || {};
  var store = fieldapp.store;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** One card per assignment, as the server draws them, from the JSON. */
  function draw(assignments) {
    var cfg = store.config();
    var list = document.getElementById("turf-list");
    list.textContent = "";
    if (!assignments.length) {
      list.appendChild(el("p", "lead", t("No turf assigned to you yet. Your organizer will give you one, or a code to enter.")));
      return;
    }
    assignments.forEach(function (a) {
      var card = el("a", "card turf-card");
      card.href = cfg.walkUrl + a.turf_id;
      card.appendChild(el("h2", "", a.turf_name));
      card.appendChild(el("p", "muted", a.race_name + (a.shift_date ? " · " + t("shift {date}", { date: fieldapp.i18n.formatDate(a.shift_date) }) : "")));
      var line = el("p");
      var bar = el("progress");
      bar.max = a.doors || 1;
      bar.value = a.knocked;
      line.appendChild(bar);
      line.appendChild(document.createTextNode(" " + t("{knocked} / {doors} doors", { knocked: fieldapp.i18n.formatNumber(a.knocked), doors: fieldapp.i18n.formatNumber(a.doors) })));
      card.appendChild(line);
      list.appendChild(card);
    });
  }

  /** Keep this page, each walk page and each turf's doors for offline use. */
  function keepForOffline(assignments) {
    var cfg = store.config();
    var pages = [location.pathname].concat(assignments.map(function (a) { return cfg.walkUrl + a.turf_id; }));
    return Promise.all([store.keepPages(pages)].concat(assignments.map(function (a) {
      return store.fetchJson(cfg.turfUrl + a.turf_id).catch(function () {});
    })));
  }

  function start() {
    var status = document.getElementById("turfs-status");
    var workerReady = fieldapp.app.boot();
    var loaded = store.fetchJson(store.config().assignmentsUrl).then(function (result) {
      draw(result.data.assignments);
      if (!result.fresh) status.textContent = t("Offline: showing your turfs as last downloaded.");
      fieldapp.ready = true;
      return result;
    }, function () {
      status.textContent = t("Offline, and no turfs kept on this phone yet.");
      fieldapp.ready = true;
      return null;
    });
    Promise.all([loaded, workerReady]).then(function (r) {
      if (r[0] && r[0].fresh) return keepForOffline(r[0].data.assignments);
    }).then(function () { fieldapp.offlineReady = true; });
  }

  document.addEventListener("DOMContentLoaded", start);
})();
