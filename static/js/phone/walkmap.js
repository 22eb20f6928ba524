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
    // Doors at one point (the flats of a building) make one point, "7-12"; pins that would
    // overlap on screen are drawn as one too, regrouped at every zoom: neighbouring houses'
    // numbers hid each other. Tapping a pin of several points zooms in on them.
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
    // A dot at every door, under the pins: the walk's shape shows even where pins are merged.
    points.forEach(function (point) {
      point.dot = L.circleMarker(point.latlng, dotStyle(point, null)).addTo(map);
    });
    if (points.length) {
      map.fitBounds(points.map(function (p) { return p.latlng; }), { padding: [20, 20], maxZoom: 18 });
    } else {
      map.setView([0, 0], 2);
    }
    drawPins(view);
    map.on("zoomend", function () { drawPins(view); });
    return view;
  }

  var PIN_HEIGHT = 26;
  var PIN_MARGIN = 4;  // px kept between two pins (the next door's outline is 3 px)

  /** Pins that do not overlap at the current zoom: same-point doors first, then any two pins
   * whose boxes would touch are merged (repeatedly) into one at their points' centre. */
  function clusters(view) {
    var map = view.map;
    var pins = view.points.map(function (point) {
      point.xy = map.latLngToLayerPoint(point.latlng);
      return measure(map, { points: [point], doors: point.doors.slice() });
    });
    for (var i = 0; i < pins.length; i++) {
      for (var j = i + 1; j < pins.length; j++) {
        if (!overlap(pins[i], pins[j])) continue;
        pins[i].points = pins[i].points.concat(pins[j].points);
        pins[i].doors = pins[i].doors.concat(pins[j].doors);
        measure(map, pins[i]);
        pins.splice(j, 1);
        i = -1;  // the merged pin is wider and elsewhere: look again from the start
        break;
      }
    }
    return pins;
  }

  function measure(map, pin) {
    var x = 0, y = 0;
    pin.points.forEach(function (p) { x += p.xy.x; y += p.xy.y; });
    pin.xy = L.point(x / pin.points.length, y / pin.points.length);
    pin.latlng = pin.points.length === 1 ? pin.points[0].latlng : map.layerPointToLatLng(pin.xy);
    pin.doors.sort(function (a, b) { return a.seq - b.seq; });
    pin.label = pinLabel(pin.doors);
    pin.width = pinWidth(pin.label);
    return pin;
  }

  function overlap(a, b) {
    return Math.abs(a.xy.x - b.xy.x) < (a.width + b.width) / 2 + PIN_MARGIN &&
           Math.abs(a.xy.y - b.xy.y) < PIN_HEIGHT + PIN_MARGIN;
  }

  function drawPins(view) {
    view.pins.forEach(function (pin) { view.map.removeLayer(pin.marker); });
    view.pins = clusters(view);
    view.pins.forEach(function (pin) {
      pin.marker = L.marker(pin.latlng, { icon: icon(pin, view.nextId), keyboard: false,
                                          title: pinTitle(pin.doors),
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

  /** "7" for one door, "7-12" for a run of the walk, "5 doors" for doors apart in it. */
  function pinLabel(doors) {
    var seqs = doors.map(function (d) { return d.seq; });
    var low = seqs[0], high = seqs[seqs.length - 1];
    if (seqs.length === 1) return String(low);
    return high - low + 1 === seqs.length ? low + "-" + high : t("{count} doors", { count: seqs.length });
  }

  function pinWidth(label) { return Math.max(26, 9 * label.length + 8); }

  /** "Doors 3, 4, 15-19" (the tooltip of a pin of several doors). */
  function pinTitle(doors) {
    if (doors.length === 1) return doors[0].address;
    var runs = [], start = null, last = null;
    doors.forEach(function (d) {
      if (start !== null && d.seq === last + 1) { last = d.seq; return; }
      if (start !== null) runs.push(start === last ? String(start) : start + "-" + last);
      start = last = d.seq;
    });
    runs.push(start === last ? String(start) : start + "-" + last);
    return t("Doors {list}", { list: runs.join(", ") });
  }

  function isNext(pin, nextId) {
    return pin.doors.some(function (d) { return d.id === nextId; });
  }

  function icon(pin, nextId) {
    var done = pin.doors.every(function (d) { return d.last_outcome; });
    var state = isNext(pin, nextId) ? "next" : done ? "done" : "todo";
    return L.divIcon({ className: "door-pin door-pin-" + state, html: pin.label,
                       iconSize: [pin.width, PIN_HEIGHT], iconAnchor: [pin.width / 2, PIN_HEIGHT / 2] });
  }

  var DOT_COLOURS = { next: "#a35200", done: "#1b7a3a", todo: "#444" };

  function dotStyle(point, nextId) {
    var state = point.doors.some(function (d) { return d.id === nextId; }) ? "next"
      : point.doors.every(function (d) { return d.last_outcome; }) ? "done" : "todo";
    return { radius: 4, weight: 1, color: "#fff", fillColor: DOT_COLOURS[state], fillOpacity: 1,
             interactive: false };
  }

  /** Restyle the pins and dots after a knock: done, still to do, and the next door. */
  function update(view, nextId) {
    if (!view) return;
    view.nextId = nextId;
    view.points.forEach(function (point) { point.dot.setStyle(dotStyle(point, nextId)); });
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
        dot: L.circleMarker([lat, lon], { radius: 7, color: "#fff", weight: 2, fillColor: "#0b63ce", fillOpacity: 1,
                                          className: "you-are-here" }).bindTooltip(t("You are here")).addTo(view.map),
      };
    } else {
      view.here.ring.setLatLng([lat, lon]).setRadius(accuracy || 10);
      view.here.dot.setLatLng([lat, lon]);
    }
  }

  /** "Where am I?": the map moves to the volunteer's dot (keeping the zoom if close enough). */
  function centre(view, lat, lon) {
    if (!view) return;
    view.map.setView([lat, lon], Math.max(view.map.getZoom(), 16));
  }

  fieldapp.walkmap = { init: init, update: update, setPosition: setPosition, centre: centre };
})();
