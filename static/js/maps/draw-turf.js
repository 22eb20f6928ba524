/* fieldapp: cut a turf by hand on the race coverage map (Leaflet-Geoman, vendored).
 * "Start drawing" loads Geoman (294 KB, never fetched by a visit that only looks) and shows its
 * tools, named for screen readers; Escape leaves draw mode. Draw a polygon or rectangle: the
 * doors inside are counted by the server before anything is saved (and the turfs already holding
 * some of them are named); then name it and save it. */
(function () {
  "use strict";
  var panel = document.getElementById("draw-panel");
  if (!panel || !window.L || !window.FieldMaps) return;
  var map = window.FieldMaps.maps[panel.dataset.mapId] || window.FieldMaps.last;
  if (!map) { panel.hidden = true; return; }

  var count = document.getElementById("draw-count");
  var form = document.getElementById("draw-form");
  var nameInput = document.getElementById("draw-name");
  var start = document.getElementById("draw-start");
  var shape = null;

  /** Geoman's stylesheet and script, added once; resolves when the script has run. */
  function loadGeoman() {
    if (window.L.PM) return Promise.resolve();
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = start.dataset.geomanCss;
    document.head.appendChild(css);
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = start.dataset.geomanJs;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function showTools() {
    if (!map.pm) map.pm = new L.PM.Map(map);  // the map was made before Geoman was loaded
    map.pm.addControls({
      position: "topleft", drawMarker: false, drawCircleMarker: false, drawPolyline: false,
      drawCircle: false, drawText: false, drawRectangle: true, drawPolygon: true,
      editMode: true, dragMode: false, cutPolygon: false, removalMode: false, rotateMode: false
    });
    window.FieldMaps.nameControls(map);
    start.hidden = true;
    var first = map.getContainer().querySelector(".leaflet-pm-icon-polygon");
    if (first && first.parentElement) first.parentElement.focus();
  }

  start.addEventListener("click", function () {
    start.disabled = true;
    loadGeoman().then(showTools, function () {
      start.disabled = false;
      say("The drawing tools did not load. Check the connection and try again.", true);
    });
  });

  // Escape leaves draw (or edit) mode, wherever focus is.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape" || !map.pm) return;
    if (map.pm.globalDrawModeEnabled()) map.pm.disableDraw();
    if (map.pm.globalEditModeEnabled && map.pm.globalEditModeEnabled()) map.pm.disableGlobalEditMode();
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
