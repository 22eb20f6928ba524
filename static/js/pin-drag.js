/* fieldapp: place doors without coordinates by hand (voters/ungeocoded page).
 * Pick a door in the list, click the map where it stands, drag the pin onto the building, save:
 * POST /api/v1/households/<id>/location {lat, lon} with the page's CSRF token. Addresses come
 * from voter files, so they reach the page as text (textContent, title), never as HTML. */
(function () {
  "use strict";
  var panel = document.getElementById("pin-panel");
  var list = document.getElementById("pin-list");
  if (!panel || !list || !window.L || !window.FieldMaps) return;
  var map = window.FieldMaps.maps[panel.dataset.mapId] || window.FieldMaps.last;
  if (!map) return;
  if (panel.dataset.start) {
    map.setView(panel.dataset.start.split(",").map(Number), Number(panel.dataset.startZoom || 14));
  }
  var status = document.getElementById("pin-status");
  var save = document.getElementById("pin-save");
  var current = null, marker = null;

  function say(text, kind) {
    status.textContent = text;
    status.className = kind ? "flash flash-" + kind : "";
  }

  function label(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  function select(item) {
    if (current) current.classList.remove("selected");
    current = item;
    item.classList.add("selected");
    if (marker) { map.removeLayer(marker); marker = null; }
    save.disabled = true;
    say("Click the map where " + item.dataset.address + " stands.", "info");
    map.getContainer().scrollIntoView({ block: "center" });
  }

  list.addEventListener("click", function (e) {
    var button = e.target.closest(".pin-pick");
    if (!button) return;
    var item = button.closest("li");
    if (!item.classList.contains("saved")) select(item);
  });

  map.on("click", function (e) {
    if (!current) { say("Pick a door in the list first.", "error"); return; }
    if (marker) marker.setLatLng(e.latlng);
    else marker = L.marker(e.latlng, { draggable: true, autoPan: true, title: current.dataset.address }).addTo(map);
    save.disabled = false;
    say("Drag the pin onto the building if need be, then save " + current.dataset.address + ".", "info");
  });

  var post = window.FieldMaps.postJSON;

  save.addEventListener("click", function () {
    if (!current || !marker) return;
    var item = current, where = marker.getLatLng();
    save.disabled = true;
    post(item.dataset.url, { lat: where.lat, lon: where.lng }).then(function (result) {
      if (!result.ok) {
        var error = result.data && result.data.error;
        say(error ? error.message : "The server did not answer (" + result.status + "). Nothing was saved.", "error");
        save.disabled = false;
        return;
      }
      map.removeLayer(marker); marker = null; current = null;
      L.circleMarker(where, { radius: 7, color: "#1b7a3a", weight: 2, fillOpacity: 0.7 })
        .bindTooltip(label(item.dataset.address)).addTo(map);
      item.classList.remove("selected");
      item.classList.add("saved");
      item.querySelector(".pin-state").textContent = "Saved";
      say("Saved " + item.dataset.address + ". Pick the next door.", "success");
    }, function () {
      say("No connection: nothing was saved. Try again.", "error");
      save.disabled = false;
    });
  });
})();
