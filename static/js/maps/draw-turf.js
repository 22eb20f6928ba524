/* fieldapp: cut a turf by hand on the race coverage map (Leaflet-Geoman, vendored).
 * Draw a polygon or rectangle: the doors inside are counted by the server before anything is
 * saved (and the turfs already holding some of them are named); then name it and save it. */
(function () {
  "use strict";
  var panel = document.getElementById("draw-panel");
  if (!panel || !window.L || !window.FieldMaps) return;
  var map = window.FieldMaps.maps[panel.dataset.mapId] || window.FieldMaps.last;
  if (!map || !map.pm) { panel.hidden = true; return; }

  var count = document.getElementById("draw-count");
  var form = document.getElementById("draw-form");
  var nameInput = document.getElementById("draw-name");
  var shape = null;

  map.pm.addControls({
    position: "topleft", drawMarker: false, drawCircleMarker: false, drawPolyline: false,
    drawCircle: false, drawText: false, drawRectangle: true, drawPolygon: true,
    editMode: true, dragMode: false, cutPolygon: false, removalMode: false, rotateMode: false
  });

  var post = window.FieldMaps.postJSON;

  function say(text, isError) {
    count.textContent = text;
    count.className = isError ? "flash flash-error" : "flash flash-info";
  }

  function errorText(result) {
    var error = result.data && result.data.error;
    return error ? error.message : "The server did not answer (" + result.status + "). Nothing was saved.";
  }

  function preview() {
    if (!shape) return;
    say("Counting doors…", false);
    post(panel.dataset.previewUrl, { polygon: shape.toGeoJSON().geometry }).then(function (result) {
      if (!result.ok) { say(errorText(result), true); form.hidden = true; return; }
      var d = result.data, taken = Object.keys(d.taken_by || {});
      if (taken.length) {
        say(d.doors + " doors inside, but " + (d.doors - d.free_doors) + " already belong to " +
            taken.join(", ") + ". Redraw around free doors only.", true);
        form.hidden = true;
      } else if (!d.doors) {
        say("No doors inside this shape.", true); form.hidden = true;
      } else {
        say(d.doors + " doors inside. Name the turf and save it.", false);
        form.hidden = false; nameInput.focus();
      }
    }, function () { say("No connection: nothing was counted or saved.", true); });
  }

  function discard() {
    if (shape) { map.removeLayer(shape); shape = null; }
    form.hidden = true; count.textContent = "";
  }

  map.on("pm:create", function (e) {
    if (shape) map.removeLayer(shape);
    shape = e.layer;
    shape.on("pm:edit", preview);
    preview();
  });

  document.getElementById("draw-cancel").addEventListener("click", discard);

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    if (!shape) return;
    post(panel.dataset.createUrl, { name: nameInput.value, polygon: shape.toGeoJSON().geometry })
      .then(function (result) {
        if (!result.ok) { say(errorText(result), true); return; }
        var turf = result.data;
        L.geoJSON(turf.boundary, { style: { color: "#5b2a86", weight: 2, fillOpacity: 0.15 } })
          .bindTooltip(turf.name).addTo(map);
        map.removeLayer(shape); shape = null; form.hidden = true; nameInput.value = "";
        count.textContent = "";
        var link = document.createElement("a");
        link.href = turf.url; link.textContent = turf.name;
        count.className = "flash flash-success";
        count.append("Saved ", link, " with " + turf.doors + " doors, in walk order.");
      }, function () { say("No connection: the turf was not saved. Try again.", true); });
  });
})();
