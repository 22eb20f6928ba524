/* fieldapp maps: the page-side half of fieldapp/maps (turfs, legend, walk lists, GPS hook).
 *
 * The Python builders emit one small inline script per layer that calls these functions with
 * compact data (see fieldapp/maps/encode.py). Every name coming from the database is put in
 * the page with textContent, never as HTML; colours are set through CSSOM, never as inline
 * style attributes, so the map runs under a CSP without 'unsafe-inline'.
 *
 * Hooks for pages: FieldMaps.locate(lat, lon, accuracyMetres[, mapId]) shows "you are here";
 * clicking a numbered door fires a "fieldmap:door" CustomEvent (detail: {index, id}) on the
 * map's container; FieldMaps.maps[mapId] is the L.Map.
 */
(function (L) {
  "use strict";
  var FM = window.FieldMaps = window.FieldMaps || {};
  FM.maps = FM.maps || {};

  function el(tag, cls, parent, text) {
    var e = L.DomUtil.create(tag, cls || "", parent);
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function safeUrl(url) {
    return typeof url === "string" && /^(\/(?![\/\\])|https?:\/\/)/i.test(url) ? url : null;
  }
  function fmt(n) { return Number(n).toLocaleString("en-US"); }

  /* encode_geometry() output -> [[[lat, lon], ...ring], ...polygon] */
  FM.decodeGeom = function (polys, origin, k) {
    return polys.map(function (rings) {
      return rings.map(function (flat) {
        var out = [], la = origin[0], lo = origin[1];
        for (var i = 0; i < flat.length; i += 2) { la += flat[i]; lo += flat[i + 1]; out.push([la / k, lo / k]); }
        return out;
      });
    });
  };
  function decodePath(flat, origin, k) { return FM.decodeGeom([[flat]], origin, k)[0][0]; }

  /* POST JSON to the API with the page's CSRF token (meta csrf-token); resolves to
   * {ok, status, data} whatever the answer, so callers can show the server's message. */
  FM.postJSON = function (url, body) {
    var csrf = document.querySelector('meta[name="csrf-token"]');
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json",
                 "X-CSRFToken": csrf ? csrf.content : "" },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { ok: response.ok, status: response.status, data: data };
      });
    });
  };

  FM.register = function (map, opts) {
    FM.maps[map.getContainer().id] = map; FM.last = map;
    map._fm = opts || {};
    return map;
  };

  /* Fit the bounds; with opts.clearRight, leave the controls on the right (the layer list)
   * their own strip when the map is wide enough, so they cover no turf at first sight. */
  FM.fit = function (map, bounds, opts) {
    if (!bounds) return;
    opts = L.extend({ animate: false, padding: [16, 16] }, opts || {});
    var b = L.latLngBounds(bounds);
    if (opts.clearRight) {
      var right = map.getContainer().querySelector(".leaflet-top.leaflet-right");
      var width = right ? right.offsetWidth : 0;
      if (width && width < map.getSize().x / 3) {
        opts.paddingTopLeft = opts.padding;
        opts.paddingBottomRight = [opts.padding[0] + width, opts.padding[1]];
      }
      delete opts.clearRight;
    }
    if (b.getNorthEast().equals(b.getSouthWest())) map.setView(b.getCenter(), opts.maxZoom || 17, { animate: false });
    else map.fitBounds(b, opts);
  };

  FM.outline = function (p) {
    return L.polygon(FM.decodeGeom(p.g, p.o, p.k), {
      color: p.color, weight: 3, dashArray: "8 5", fill: false, interactive: false
    });
  };

  function turfPopup(t) {
    // t = [id, name, volunteers, doors, knocked, contacts, url, class]
    var div = el("div", "fm-popup fm-turf-popup");
    el("strong", "", div, t[1] || ("Turf " + t[0]));
    el("div", "fm-vols", div, t[2].length ? "Volunteers: " + t[2].join(", ") : "No volunteer assigned");
    var table = el("table", "", div), share = t[3] ? Math.round(100 * t[4] / t[3]) + "%" : "–";
    [["Doors", fmt(t[3])], ["Knocked", fmt(t[4]) + " (" + share + ")"], ["Contacts", fmt(t[5])]].forEach(function (row) {
      var tr = el("tr", "", table); el("th", "", tr, row[0]); el("td", "", tr, row[1]);
    });
    var url = safeUrl(t[6]);
    if (url) { var a = el("a", "fm-link", div, "Open turf"); a.href = url; }
    return div;
  }

  FM.turfs = function (p) {
    var group = L.featureGroup();
    p.t.forEach(function (t) {
      var cls = t[7], fill = cls < 0 ? p.empty : p.classes[cls];
      var poly = L.polygon(FM.decodeGeom(t[8], p.o, p.k), {
        color: "#3c3c3c", weight: 1, opacity: 0.9, fillColor: fill, fillOpacity: 0.55, className: "fm-turf"
      });
      poly.bindPopup(function () { return turfPopup(t); }, { maxWidth: 280 });
      poly.bindTooltip(function () { var s = el("span"); s.textContent = t[1]; return s; }, { sticky: true, direction: "top" });
      poly.on("mouseover", function () { poly.setStyle({ weight: 3 }); });
      poly.on("mouseout", function () { poly.setStyle({ weight: 1 }); });
      group.addLayer(poly);
    });
    return group;
  };

  FM.doors = function (p) {
    return new FM.DoorLayer(p.d, { colors: p.colors, labels: p.labels, clusterZoom: p.clusterZoom });
  };

  FM.hexes = function (p) { return new FM.HexLayer(p.h, { colors: p.colors }); };

  /* spec = {title, open, sections: [{title, items: [{color, label, code?}]}]}; items with a
     code get a checkbox that shows/hides that outcome on `doors`. */
  FM.legend = function (map, spec, doors) {
    var ctl = L.control({ position: spec.position || "bottomright" });
    ctl.onAdd = function () {
      var box = el("div", "fm-legend leaflet-control"), det = el("details", "", box);
      det.open = spec.open === undefined ? window.innerWidth > 600 : !!spec.open;
      el("summary", "", det, spec.title || "Legend");
      var counts = doors && doors.counts ? doors.counts() : null;
      spec.sections.forEach(function (sec) {
        el("div", "fm-legend-title", det, sec.title);
        sec.items.forEach(function (it) {
          var row = el(it.code === undefined || !doors ? "div" : "label", "fm-legend-row", det);
          if (it.code !== undefined && doors) {
            var cb = el("input", "", row); cb.type = "checkbox"; cb.checked = true;
            cb.setAttribute("aria-label", "Show " + it.label);
            L.DomEvent.on(cb, "change", function () { doors.setOutcomeVisible(it.code, cb.checked); });
          }
          var sw = el("span", "fm-swatch" + (it.ring ? " fm-swatch-ring" : ""), row);
          sw.style.backgroundColor = it.color;
          var label = it.label;
          if (counts && it.code !== undefined) label += " (" + fmt(counts[it.code]) + ")";
          el("span", "", row, label);
        });
      });
      L.DomEvent.disableClickPropagation(box); L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    ctl.addTo(map);
    return ctl;
  };

  var NumberIcon = L.Icon.extend({
    options: { iconSize: [24, 24], className: "fm-num", number: 0, color: "#ccc", text: "#000" },
    createIcon: function (old) {
      var div = old && old.tagName === "DIV" ? old : document.createElement("div");
      div.textContent = String(this.options.number);
      div.style.backgroundColor = this.options.color; div.style.color = this.options.text;
      this._setIconStyles(div, "icon");
      return div;
    },
    createShadow: function () { return null; }
  });
  FM.NumberIcon = NumberIcon;

  /* One turf's walk: route polyline and numbered doors. p = {o, k, d, c, l, id, route, ...} */
  FM.walk = function (p, map) {
    var group = L.featureGroup(), n = p.d.length / 2, pts = decodePath(p.d, p.o, p.k), i;
    var route = p.route ? decodePath(p.route, p.o, p.k) : pts;
    if (route.length > 1) {
      L.polyline(route, { color: p.routeColor, weight: 3, opacity: 0.75, interactive: false }).addTo(group);
    }
    for (i = 0; i < n; i++) {
      (function (i) {
        var code = p.c[i], size = i + 1 >= 100 ? 28 : 24;
        var marker = L.marker(pts[i], {
          icon: new NumberIcon({ number: i + 1, color: p.colors[code], text: p.text[code], iconSize: [size, size] }),
          // Not a tab stop: dense doors overlap (too small a target), and the page lists the
          // same doors in walk order for the keyboard.
          interactive: p.interactive, keyboard: false, title: p.l[i] || "",
          alt: (i + 1) + ". " + (p.l[i] || "") + " – " + p.labels[code]
        });
        if (p.interactive) {
          marker.bindPopup(function () { return FM.textLines([(i + 1) + ". " + (p.l[i] || "Door"), p.labels[code]]); });
          marker.on("click", function () {
            var ev = new CustomEvent("fieldmap:door", { bubbles: true, detail: { index: i, id: p.id[i] } });
            map.getContainer().dispatchEvent(ev);
          });
        }
        group.addLayer(marker);
      })(i);
    }
    return group;
  };

  /* Leaflet-Geoman's tool buttons are bare links: give each its tooltip as its name. */
  FM.nameControls = function (map) {
    var links = map.getContainer().querySelectorAll(".leaflet-buttons-control-button");
    Array.prototype.forEach.call(links, function (a) {
      var title = a.parentElement && a.parentElement.getAttribute("title");
      if (title) a.setAttribute("aria-label", title);
      a.setAttribute("role", "button");
    });
  };

  /* "You are here": call with GPS coordinates (e.g. from navigator.geolocation.watchPosition). */
  FM.locate = function (lat, lon, accuracy, mapId) {
    var map = mapId ? FM.maps[mapId] : FM.last;
    if (!map) return false;
    var at = L.latLng(lat, lon), here = map._fmHere;
    if (!here) {
      here = map._fmHere = {
        ring: L.circle(at, { radius: accuracy || 0, color: "#1a73e8", weight: 1, fillOpacity: 0.12, interactive: false }),
        dot: L.circleMarker(at, { radius: 8, color: "#ffffff", weight: 3, fillColor: "#1a73e8", fillOpacity: 1, interactive: false, className: "fm-here" })
      };
      here.ring.addTo(map); here.dot.addTo(map);
    }
    here.ring.setLatLng(at).setRadius(accuracy || 0); here.dot.setLatLng(at);
    if (!map.getBounds().contains(at)) map.panTo(at);
    return true;
  };
})(window.L);
