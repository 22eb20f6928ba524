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
    // Doors at one point (the flats of a building) share one pin, "7-12": stacked pins
    // hid each other's numbers.
    var groups = [];
    var byPoint = {};
    var points = [];
    turf.households.forEach(function (door) {
      if (door.lat === null || door.lon === null) return;
      var key = door.lat.toFixed(6) + "," + door.lon.toFixed(6);
      var group = byPoint[key];
      if (!group) {
        group = byPoint[key] = { doors: [], marker: null };
        groups.push(group);
        points.push([door.lat, door.lon]);
      }
      group.doors.push(door);
    });
    groups.forEach(function (group) {
      var first = group.doors[0];
      var title = first.address + (group.doors.length > 1 ? " (" + group.doors.length + " doors)" : "");
      group.marker = L.marker([first.lat, first.lon], { icon: icon(group, null), keyboard: false,
                                                        title: title });
      group.marker.on("click", function () {
        var open = group.doors.filter(function (d) { return !d.last_outcome; });
        options.onDoor(open[0] || group.doors[0]);
      });
      group.marker.addTo(map);
    });
    if (points.length) map.fitBounds(points, { padding: [20, 20], maxZoom: 18 });
    else map.setView([0, 0], 2);
    return { map: map, groups: groups, doors: turf.households, here: null };
  }

  function pinLabel(doors) {
    var seqs = doors.map(function (d) { return d.seq; });
    if (seqs.length === 1) return String(seqs[0]);
    return Math.min.apply(null, seqs) + "-" + Math.max.apply(null, seqs);
  }

  function icon(group, nextId) {
    var isNext = group.doors.some(function (d) { return d.id === nextId; });
    var done = group.doors.every(function (d) { return d.last_outcome; });
    var state = isNext ? "next" : done ? "done" : "todo";
    var label = pinLabel(group.doors);
    var width = Math.max(26, 9 * label.length + 8);
    return L.divIcon({ className: "door-pin door-pin-" + state, html: label,
                       iconSize: [width, 26], iconAnchor: [width / 2, 13] });
  }

  /** Restyle the pins after a knock: done, still to do, and the next door. */
  function update(view, nextId) {
    if (!view) return;
    view.groups.forEach(function (group) {
      var isNext = group.doors.some(function (d) { return d.id === nextId; });
      group.marker.setIcon(icon(group, nextId));
      group.marker.setZIndexOffset(isNext ? 1000 : 0);
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
