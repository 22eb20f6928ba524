/* fieldapp phone: the small walk map, in plain Leaflet (vendored, no CDN). Draws the route and
 * numbered doors from the turf JSON, so it works with no tiles at all; tiles from the configured
 * server are a bonus and their failure changes nothing. Kept apart from walk.js so it can be
 * swapped for the shared map builder later: the walk list only calls init/update/setPosition. */
(function () {
  "use strict";
  var fieldapp = window.fieldapp = window.fieldapp || {};

  /** Draw the map in el; null when Leaflet is not there (the list works without a map). */
  function init(el, turf, options) {
    if (!window.L || !el) return null;
    el.hidden = false;
    var map = L.map(el, { zoomControl: true, attributionControl: !!options.tiles, tap: true });
    if (options.tiles) {
      var layer = L.tileLayer(options.tiles, { maxZoom: 19, attribution: options.attribution || "" });
      layer.on("tileerror", function () { /* offline or blocked: the route still shows */ });
      layer.addTo(map);
    }
    var coords = (turf.route && turf.route.coordinates) || [];
    if (coords.length > 1) {
      L.polyline(coords.map(function (c) { return [c[1], c[0]]; }),
                 { color: "#5b2a86", weight: 4, opacity: 0.8 }).addTo(map);
    }
    var markers = {};
    var points = [];
    turf.households.forEach(function (door) {
      if (door.lat === null || door.lon === null) return;
      var marker = L.marker([door.lat, door.lon], { icon: icon(door, false), keyboard: false,
                                                    title: door.address });
      marker.on("click", function () { options.onDoor(door); });
      marker.addTo(map);
      markers[door.id] = marker;
      points.push([door.lat, door.lon]);
    });
    if (points.length) map.fitBounds(points, { padding: [20, 20], maxZoom: 18 });
    else map.setView([0, 0], 2);
    return { map: map, markers: markers, doors: turf.households, here: null };
  }

  function icon(door, isNext) {
    var state = isNext ? "next" : door.last_outcome ? "done" : "todo";
    return L.divIcon({ className: "door-pin door-pin-" + state, html: String(door.seq),
                       iconSize: [26, 26], iconAnchor: [13, 13] });
  }

  /** Restyle the pins after a knock: done, still to do, and the next door. */
  function update(view, nextId) {
    if (!view) return;
    view.doors.forEach(function (door) {
      var marker = view.markers[door.id];
      if (marker) {
        marker.setIcon(icon(door, door.id === nextId));
        if (door.id === nextId) marker.setZIndexOffset(1000); else marker.setZIndexOffset(0);
      }
    });
  }

  /** "You are here": a dot and its accuracy circle. */
  function setPosition(view, lat, lon, accuracy) {
    if (!view) return;
    if (!view.here) {
      view.here = {
        ring: L.circle([lat, lon], { radius: accuracy || 10, color: "#0b63ce", weight: 1, fillOpacity: 0.1 }).addTo(view.map),
        dot: L.circleMarker([lat, lon], { radius: 7, color: "#fff", weight: 2, fillColor: "#0b63ce", fillOpacity: 1 }).addTo(view.map),
      };
    } else {
      view.here.ring.setLatLng([lat, lon]).setRadius(accuracy || 10);
      view.here.dot.setLatLng([lat, lon]);
    }
  }

  fieldapp.walkmap = { init: init, update: update, setPosition: setPosition };
})();
