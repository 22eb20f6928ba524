/* fieldapp: draw the line a turf is split along, on the turf page's map (Leaflet-Geoman,
 * vendored). The line goes into the split form's hidden field; the server previews the parts
 * before anything is saved. */
(function () {
  "use strict";
  var form = document.getElementById("split-line-form");
  if (!form || !window.L || !window.FieldMaps) return;
  var map = window.FieldMaps.maps[form.dataset.mapId] || window.FieldMaps.last;
  var field = document.getElementById("split-line");
  var button = document.getElementById("split-line-preview");
  if (!map || !map.pm) { form.hidden = true; return; }
  var line = null;
  map.pm.addControls({
    position: "topleft", drawMarker: false, drawCircleMarker: false, drawPolyline: true,
    drawCircle: false, drawText: false, drawRectangle: false, drawPolygon: false,
    editMode: true, dragMode: false, cutPolygon: false, removalMode: false, rotateMode: false
  });
  window.FieldMaps.nameControls(map);  // Geoman's buttons are bare links: named for screen readers
  function keep() {
    field.value = line ? JSON.stringify(line.toGeoJSON().geometry) : "";
    button.disabled = !line;
  }
  map.on("pm:create", function (e) {
    if (line) map.removeLayer(line);
    line = e.layer;
    line.on("pm:edit", keep);
    keep();
  });
})();
