/* fieldapp maps: layers drawn on one <canvas> each, for data too big for one object per item.
 *
 * FieldMaps.DoorLayer: every door of a race (100,000+) from the compact encoding made by
 * fieldapp/maps/encode.py, grid-clustered into outcome "donuts" when zoomed out, single dots
 * coloured by latest outcome when zoomed in. FieldMaps.HexLayer: contacts binned into support
 * hexagons. Both redraw on moveend and scale with Leaflet's zoom animation like L.Canvas.
 * Clicks are hit-tested in a capture listener on the map container, so they work above SVG turfs.
 * No inline styles or innerHTML of data: CSP-safe.
 */
(function (L) {
  "use strict";
  var FM = window.FieldMaps = window.FieldMaps || {};

  function mercY(lat) {
    var s = Math.max(Math.min(Math.sin(lat * Math.PI / 180), 0.9999), -0.9999);
    return 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
  }
  FM.mercY = mercY;

  /* Decode encode_doors(): world x/y (0..1) Float64Arrays and outcome codes (0 = not knocked). */
  FM.decodeDoors = function (d) {
    var n = d.n, bin = atob(d.b), bytes = new Uint8Array(bin.length), i, pos = 0;
    for (i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    function column(origin) {
      var out = new Float64Array(n), acc = origin, j, v, mul, b;
      for (j = 0; j < n; j++) {
        v = 0; mul = 1;
        do { b = bytes[pos++]; v += (b & 127) * mul; mul *= 128; } while (b & 128);
        acc += (v % 2) ? -(v + 1) / 2 : v / 2;
        out[j] = acc / d.k;
      }
      return out;
    }
    var lat = column(d.o[0]), lon = column(d.o[1]);
    var x = new Float64Array(n), y = new Float64Array(n), code = new Uint8Array(n);
    for (i = 0; i < n; i++) {
      x[i] = 0.5 + lon[i] / 360; y[i] = mercY(lat[i]);
      var byte = bytes[pos + (i >> 1)];
      code[i] = (i & 1) ? byte >> 4 : byte & 15;
    }
    // d.c counts doors by code, one entry per code the server knows (0 = not knocked).
    return { x: x, y: y, code: code, n: n, counts: d.c, ncodes: d.c.length };
  };

  /* Base: a canvas covering the view plus padding, in its own non-interactive pane. */
  var CanvasLayer = FM.CanvasLayer = L.Layer.extend({
    options: { pane: "fieldmapsCanvas", paneZ: 450, padding: 0.25 },
    onAdd: function (map) {
      if (!map.getPane(this.options.pane)) {
        var pane = map.createPane(this.options.pane);
        pane.style.zIndex = this.options.paneZ; pane.style.pointerEvents = "none";
      }
      this._canvas = L.DomUtil.create("canvas", "fm-canvas leaflet-zoom-animated");
      this.getPane().appendChild(this._canvas);
      this._ctx = this._canvas.getContext("2d");
      this._onClickDom = L.bind(this._onClickDom, this);
      this._onMoveDom = L.bind(this._onMoveDom, this);
      this._onDownDom = L.bind(this._onDownDom, this);
      var c = map.getContainer();
      c.addEventListener("click", this._onClickDom, true);
      c.addEventListener("pointerdown", this._onDownDom, true);
      c.addEventListener("mousemove", this._onMoveDom);
      this._reset();
    },
    onRemove: function (map) {
      var c = map.getContainer();
      c.removeEventListener("click", this._onClickDom, true);
      c.removeEventListener("pointerdown", this._onDownDom, true);
      c.removeEventListener("mousemove", this._onMoveDom);
      if (this._hover) { c.style.cursor = ""; this._hover = false; }
      L.DomUtil.remove(this._canvas); this._canvas = null; this._hits = null;
    },
    getEvents: function () {
      var ev = { moveend: this._reset, viewreset: this._reset, resize: this._reset, zoom: this._onZoom };
      if (this._zoomAnimated) ev.zoomanim = this._onAnimZoom;
      return ev;
    },
    redraw: function () { if (this._map) this._reset(); return this; },
    _onAnimZoom: function (e) { this._updateTransform(e.center, e.zoom); },
    _onZoom: function () { this._updateTransform(this._map.getCenter(), this._map.getZoom()); },
    _updateTransform: function (center, zoom) {
      var map = this._map, scale = map.getZoomScale(zoom, this._zoom),
        viewHalf = map.getSize().multiplyBy(0.5 + this.options.padding),
        centerPoint = map.project(this._center, zoom),
        offset = viewHalf.multiplyBy(-scale).add(centerPoint).subtract(map._getNewPixelOrigin(center, zoom));
      L.DomUtil.setTransform(this._canvas, offset, scale);
    },
    _reset: function () {
      var map = this._map, size = map.getSize(), pad = size.multiplyBy(this.options.padding).round();
      var tl = map.containerPointToLayerPoint(pad.multiplyBy(-1)).round();
      var w = size.x + 2 * pad.x, h = size.y + 2 * pad.y, dpr = window.devicePixelRatio || 1;
      var c = this._canvas, ctx = this._ctx;
      this._center = map.getCenter(); this._zoom = map.getZoom();
      L.DomUtil.setPosition(c, tl);
      c.width = Math.round(w * dpr); c.height = Math.round(h * dpr);
      c.style.width = w + "px"; c.style.height = h + "px";
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, w, h);
      this._tl = tl; this._w = w; this._h = h;
      this._origin = map.getPixelOrigin().add(tl);
      this._world = 256 * Math.pow(2, this._zoom);
      this._hits = [];
      this._draw(ctx);
    },
    _canvasPoint: function (ev) {
      var cp = this._map.mouseEventToContainerPoint(ev);
      return this._map.containerPointToLayerPoint(cp).subtract(this._tl);
    },
    _hitAt: function (ev) {
      if (!this._hits) return null;
      var p = this._canvasPoint(ev), best = null, bestD = Infinity, i, h, d;
      for (i = 0; i < this._hits.length; i++) {
        h = this._hits[i];
        d = (h.x - p.x) * (h.x - p.x) + (h.y - p.y) * (h.y - p.y);
        if (d <= (h.r + 3) * (h.r + 3) && d < bestD) { best = h; bestD = d; }
      }
      return best || this._hitFallback(p);
    },
    _hitFallback: function () { return null; },
    _onDownDom: function (ev) { this._down = [ev.clientX, ev.clientY]; },
    _onClickDom: function (ev) {
      var d = this._down;
      if (d && Math.abs(d[0] - ev.clientX) + Math.abs(d[1] - ev.clientY) > 6) return;
      if (ev.target && ev.target.closest && ev.target.closest(".leaflet-control, .leaflet-popup")) return;
      var hit = this._hitAt(ev);
      if (!hit) return;
      ev.stopImmediatePropagation(); ev.preventDefault();
      this._onHit(hit, ev);
    },
    _onMoveDom: function (ev) {
      if (ev.buttons) return;
      var over = !!(ev.target && ev.target.closest && !ev.target.closest(".leaflet-control") && this._hitAt(ev));
      if (over !== !!this._hover) {
        this._map.getContainer().style.cursor = over ? "pointer" : "";
        this._hover = over;
      }
    }
  });

  function textLines(lines) {
    var div = L.DomUtil.create("div", "fm-popup");
    lines.forEach(function (line, i) {
      var el = L.DomUtil.create(i === 0 ? "strong" : "div", "", div);
      el.textContent = line;
    });
    return div;
  }
  FM.textLines = textLines;

  /* Doors: grid clusters (donut by outcome) below clusterZoom, dots (and stacks) from it. */
  FM.DoorLayer = CanvasLayer.extend({
    options: { colors: [], labels: [], cell: 64, clusterZoom: 17, stackCell: 3 },
    initialize: function (encoded, options) {
      L.setOptions(this, options);
      this._d = FM.decodeDoors(encoded);
      this._show = new Uint8Array(this._d.ncodes).fill(1);
    },
    counts: function () { return this._d.counts; },
    setOutcomeVisible: function (code, on) { this._show[code] = on ? 1 : 0; return this.redraw(); },
    _draw: function (ctx) {
      var d = this._d, ncodes = d.ncodes, clustered = this._zoom < this.options.clusterZoom;
      var S = clustered ? this.options.cell : this.options.stackCell;
      var W = this._world, ox = this._origin.x, oy = this._origin.y, w = this._w, h = this._h;
      var gx0 = Math.floor(ox / S), gy0 = Math.floor(oy / S);
      var gw = Math.floor((ox + w) / S) - gx0 + 1, gh = Math.floor((oy + h) / S) - gy0 + 1;
      var ncell = gw * gh, cnt = new Int32Array(ncell), sx = new Float64Array(ncell),
        sy = new Float64Array(ncell), oc = new Int32Array(ncell * ncodes),
        bb = new Float64Array(ncell * 4), show = this._show, i, px, py, c, k, code;
      for (i = 0; i < d.n; i++) {
        code = d.code[i];
        if (!show[code]) continue;
        px = d.x[i] * W - ox; py = d.y[i] * W - oy;
        if (px < -S || py < -S || px > w + S || py > h + S) continue;
        c = (Math.floor((px + ox) / S) - gx0) + (Math.floor((py + oy) / S) - gy0) * gw;
        if (c < 0 || c >= ncell) continue;
        if (cnt[c] === 0) { bb[4 * c] = bb[4 * c + 2] = d.x[i]; bb[4 * c + 1] = bb[4 * c + 3] = d.y[i]; }
        else {
          if (d.x[i] < bb[4 * c]) bb[4 * c] = d.x[i]; if (d.x[i] > bb[4 * c + 2]) bb[4 * c + 2] = d.x[i];
          if (d.y[i] < bb[4 * c + 1]) bb[4 * c + 1] = d.y[i]; if (d.y[i] > bb[4 * c + 3]) bb[4 * c + 3] = d.y[i];
        }
        cnt[c]++; sx[c] += px; sy[c] += py; oc[c * ncodes + code]++;
      }
      var dotR = this._zoom >= 18 ? 6 : this._zoom >= 16 ? 5 : 4, dots = [], clusters = [];
      for (c = 0; c < ncell; c++) {
        if (!cnt[c]) continue;
        var item = { x: sx[c] / cnt[c], y: sy[c] / cnt[c], n: cnt[c], codes: oc.subarray(c * ncodes, (c + 1) * ncodes), bb: bb.subarray(4 * c, 4 * c + 4) };
        if (cnt[c] === 1) {
          for (k = 0; k < ncodes; k++) if (item.codes[k]) item.code = k;
          item.r = dotR; dots.push(item);
        } else {
          item.r = Math.min(26, (clustered ? 11 : 8) + 3.2 * Math.log(cnt[c]));
          clusters.push(item);
        }
      }
      this._drawDots(ctx, dots);
      this._drawClusters(ctx, clusters);
      this._hits = dots.concat(clusters);
    },
    _drawDots: function (ctx, dots) {
      var colors = this.options.colors, ncodes = this._d.ncodes, k, i, p;
      ctx.lineWidth = 1; ctx.strokeStyle = "#ffffff";
      for (k = 0; k < ncodes; k++) {
        ctx.beginPath();
        var any = false;
        for (i = 0; i < dots.length; i++) {
          p = dots[i];
          if (p.code !== k) continue;
          ctx.moveTo(p.x + p.r, p.y); ctx.arc(p.x, p.y, p.r, 0, 2 * Math.PI); any = true;
        }
        if (!any) continue;
        ctx.fillStyle = colors[k]; ctx.fill();
        ctx.strokeStyle = k === 0 ? "#666666" : "#ffffff"; ctx.stroke();
      }
    },
    _drawClusters: function (ctx, clusters) {
      var colors = this.options.colors, ncodes = this._d.ncodes, i, k, p, a, da;
      ctx.textAlign = "center"; ctx.textBaseline = "middle";
      for (i = 0; i < clusters.length; i++) {
        p = clusters[i]; a = -Math.PI / 2;
        for (k = 0; k < ncodes; k++) {
          if (!p.codes[k]) continue;
          da = 2 * Math.PI * p.codes[k] / p.n;
          ctx.beginPath(); ctx.moveTo(p.x, p.y); ctx.arc(p.x, p.y, p.r, a, a + da); ctx.closePath();
          ctx.fillStyle = colors[k]; ctx.fill(); a += da;
        }
        ctx.beginPath(); ctx.arc(p.x, p.y, p.r, 0, 2 * Math.PI);
        ctx.lineWidth = 1.5; ctx.strokeStyle = "#333333"; ctx.stroke();
        ctx.beginPath(); ctx.arc(p.x, p.y, p.r * 0.62, 0, 2 * Math.PI);
        ctx.fillStyle = "rgba(255,255,255,0.95)"; ctx.fill();
        ctx.fillStyle = "#111111";
        ctx.font = "bold " + (p.n >= 1000 ? 9 : 11) + "px sans-serif";
        ctx.fillText(p.n >= 10000 ? Math.round(p.n / 1000) + "k" : String(p.n), p.x, p.y + 0.5);
      }
    },
    _onHit: function (hit) {
      var map = this._map, labels = this.options.labels, ncodes = this._d.ncodes;
      var wide = hit.bb && ((hit.bb[2] - hit.bb[0]) * this._world > 2 || (hit.bb[3] - hit.bb[1]) * this._world > 2);
      if (hit.n > 1 && wide && this._zoom < map.getMaxZoom()) {
        var u = L.point(hit.bb[0] * 256, hit.bb[1] * 256), v = L.point(hit.bb[2] * 256, hit.bb[3] * 256);
        var b = L.latLngBounds(map.unproject(u, 0), map.unproject(v, 0));
        map.fitBounds(b.pad(0.3), { maxZoom: Math.max(this._zoom + 1, Math.min(map.getMaxZoom(), this.options.clusterZoom + 1)) });
        return;
      }
      var lines = [hit.n === 1 ? labels[hit.code] : hit.n + " doors here"];
      if (hit.n > 1) for (var k = 0; k < ncodes; k++) if (hit.codes[k]) lines.push(labels[k] + ": " + hit.codes[k]);
      var at = this._map.layerPointToLatLng(L.point(hit.x, hit.y).add(this._tl));
      L.popup({ offset: [0, -hit.r] }).setLatLng(at).setContent(textLines(lines)).openOn(map);
    }
  });

  /* Support hexagons: pointy-top, axial q/r, world-coordinate size s; colour by mean score,
     opacity by number of contacts (full from 8). */
  FM.HexLayer = CanvasLayer.extend({
    options: { colors: [], opacity: 0.7, pane: "fieldmapsHex", paneZ: 440 },
    initialize: function (hex, options) {
      L.setOptions(this, options);
      this._hex = hex; this._index = {};
      for (var i = 0; i < hex.q.length; i++) this._index[hex.q[i] + "," + hex.r[i]] = i;
    },
    _draw: function (ctx) {
      var hx = this._hex, s = hx.s * this._world, W = this._world, ox = this._origin.x, oy = this._origin.y;
      var r3 = Math.sqrt(3), i, k, cx, cy, col;
      if (!hx.q.length) return;
      ctx.strokeStyle = "rgba(60,60,60,0.5)"; ctx.lineWidth = 0.5;
      for (i = 0; i < hx.q.length; i++) {
        cx = hx.s * r3 * (hx.q[i] + hx.r[i] / 2) * W - ox; cy = hx.s * 1.5 * hx.r[i] * W - oy;
        if (cx < -s || cy < -s || cx > this._w + s || cy > this._h + s) continue;
        col = this.options.colors[Math.min(4, Math.max(0, Math.round(hx.m[i] / 10) - 1))];
        ctx.beginPath();
        for (k = 0; k < 6; k++) {
          var ang = Math.PI / 180 * (60 * k - 30);
          ctx[k ? "lineTo" : "moveTo"](cx + s * Math.cos(ang), cy + s * Math.sin(ang));
        }
        ctx.globalAlpha = this.options.opacity * (0.45 + 0.55 * Math.min(1, hx.n[i] / 8));
        ctx.closePath(); ctx.fillStyle = col; ctx.fill(); if (s > 4) ctx.stroke();
      }
      ctx.globalAlpha = 1;
    },
    _hitFallback: function (p) {
      var hx = this._hex;
      if (!hx.q.length) return null;
      var x = (p.x + this._origin.x) / this._world, y = (p.y + this._origin.y) / this._world;
      var qf = (Math.sqrt(3) / 3 * x - y / 3) / hx.s, rf = (2 / 3 * y) / hx.s, sf = -qf - rf;
      var q = Math.round(qf), r = Math.round(rf), s = Math.round(sf);
      var dq = Math.abs(q - qf), dr = Math.abs(r - rf), ds = Math.abs(s - sf);
      if (dq > dr && dq > ds) q = -r - s; else if (dr > ds) r = -q - s;
      var i = this._index[q + "," + r];
      return i === undefined ? null : { i: i, x: p.x, y: p.y, r: 0 };
    },
    _onHit: function (hit) {
      var hx = this._hex, i = hit.i;
      var lines = [hx.n[i] + (hx.n[i] === 1 ? " contact" : " contacts"), "Mean support " + (hx.m[i] / 10).toFixed(1) + " of 5"];
      var at = this._map.layerPointToLatLng(L.point(hit.x, hit.y).add(this._tl));
      L.popup().setLatLng(at).setContent(textLines(lines)).openOn(this._map);
    }
  });
})(window.L);
