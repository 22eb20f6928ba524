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
    var map = L.map(el, { zoomControl: true, attributionControl: !!options.tiles, tap: true,
                         maxZoom: 19 });
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
    // Doors at one point (the flats of a building) make one point, "7-12"; points closer on
    // screen than a pin's width are drawn as one pin too, regrouped at every zoom: neighbouring
    // houses' numbers hid each other. Tapping a pin of several points zooms in on them.
    var points = [];
    var byPoint = {};
    turf.households.forEach(function (door) {
      if (door.lat === null || door.lon === null) return;
      var key = door.lat.toFixed(6) + "," + door.lon.toFixed(6);
      var point = byPoint[key];
      if (!point) {
        point = byPoint[key] = { latlng: L.latLng(door.lat, door.lon), doors: [] };
        points.push(point);
      }
      point.doors.push(door);
    });
    var view = { map: map, points: points, pins: [], doors: turf.households, here: null,
                 nextId: null, onDoor: options.onDoor };
    if (points.length) {
      map.fitBounds(points.map(function (p) { return p.latlng; }), { padding: [20, 20], maxZoom: 18 });
    } else {
      map.setView([0, 0], 2);
    }
    drawPins(view);
    map.on("zoomend", function () { drawPins(view); });
    return view;
  }

  var PIN_GAP = 28;  // px between pin centres below which two pins would overlap

  /** One pin per cluster of points that would overlap at the current zoom (walk order). */
  function clusters(view) {
    var pins = [];
    view.points.forEach(function (point) {
      var xy = view.map.latLngToLayerPoint(point.latlng);
      var near = null;
      for (var i = 0; i < pins.length && !near; i++) {
        if (pins[i].xy.distanceTo(xy) < PIN_GAP) near = pins[i];
      }
      if (near) {
        near.points.push(point);
        near.doors = near.doors.concat(point.doors);
      } else {
        pins.push({ xy: xy, latlng: point.latlng, points: [point], doors: point.doors.slice() });
      }
    });
    return pins;
  }

  function drawPins(view) {
    view.pins.forEach(function (pin) { view.map.removeLayer(pin.marker); });
    view.pins = clusters(view);
    view.pins.forEach(function (pin) {
      var first = pin.doors[0];
      var title = first.address + (pin.doors.length > 1 ? " (" + pin.doors.length + " doors)" : "");
      pin.marker = L.marker(pin.latlng, { icon: icon(pin, view.nextId), keyboard: false, title: title,
                                          zIndexOffset: isNext(pin, view.nextId) ? 1000 : 0 });
      pin.marker.on("click", function () { tap(view, pin); });
      pin.marker.addTo(view.map);
    });
  }

  /** A pin of doors at one point opens the first still to knock; a cluster zooms in. */
  function tap(view, pin) {
    if (pin.points.length > 1 && view.map.getZoom() < view.map.getMaxZoom()) {
      view.map.fitBounds(pin.points.map(function (p) { return p.latlng; }),
                         { padding: [60, 60], maxZoom: view.map.getMaxZoom() });
      return;
    }
    var open = pin.doors.filter(function (d) { return !d.last_outcome; });
    view.onDoor(open[0] || pin.doors[0]);
  }

  /** "7" for one door, "7-12" for a run of the walk, "5 doors" for doors far apart in it. */
  function pinLabel(doors) {
    var seqs = doors.map(function (d) { return d.seq; });
    var low = Math.min.apply(null, seqs), high = Math.max.apply(null, seqs);
    if (seqs.length === 1) return String(low);
    return high - low + 1 === seqs.length ? low + "-" + high : seqs.length + " doors";
  }

  function isNext(pin, nextId) {
    return pin.doors.some(function (d) { return d.id === nextId; });
  }

  function icon(pin, nextId) {
    var done = pin.doors.every(function (d) { return d.last_outcome; });
    var state = isNext(pin, nextId) ? "next" : done ? "done" : "todo";
    var label = pinLabel(pin.doors);
    var width = Math.max(26, 9 * label.length + 8);
    return L.divIcon({ className: "door-pin door-pin-" + state, html: label,
                       iconSize: [width, 26], iconAnchor: [width / 2, 13] });
  }

  /** Restyle the pins after a knock: done, still to do, and the next door. */
  function update(view, nextId) {
    if (!view) return;
    view.nextId = nextId;
    view.pins.forEach(function (pin) {
      pin.marker.setIcon(icon(pin, nextId));
      pin.marker.setZIndexOffset(isNext(pin, nextId) ? 1000 : 0);
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
