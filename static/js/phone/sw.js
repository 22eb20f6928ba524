/* fieldapp offline worker, served as /sw.js (scope "/").
 *
 * - The app shell (phone CSS and JS, vendored Leaflet) is kept at install and served from the
 *   cache while a fresh copy is fetched in the background (stale-while-revalidate). The server
 *   replaces the SHELL name below with a digest of SHELL_FILES (fieldapp/canvass/worker.py), so
 *   phones drop the old set as soon as any of these files changes.
 * - The phone pages (/my/turfs, /walk/<id>) are fetched from the network first and kept; with
 *   no network the kept copy opens, so the walk list works after a reload with no signal.
 * - Everything else (API calls, POSTs, organizer pages) is left to the network: the outbox in
 *   the page, not this worker, is responsible for delivering knocks (no Background Sync).
 * Turf JSON is kept by the pages themselves in the "fieldapp-data" cache (see store.js).
 */
"use strict";

var SHELL = "fieldapp-shell-v1";
var PAGES = "fieldapp-pages-v1";
var SHELL_FILES = [
  "/static/css/app.css",
  "/static/css/phone.css",
  "/static/js/phone/i18n.js",
  "/static/js/phone/store.js",
  "/static/js/phone/outbox.js",
  "/static/js/phone/app.js",
  "/static/js/phone/turfs.js",
  "/static/js/phone/walk.js",
  "/static/js/phone/walkform.js",
  "/static/js/phone/talkform.js",
  "/static/js/phone/walkmap.js",
  "/static/vendor/leaflet-1.9.4/leaflet.js",
  "/static/vendor/leaflet-1.9.4/leaflet.css",
  "/static/manifest.webmanifest",
  "/static/favicon.svg",
  "/static/icons/icon-192.png",
];
var LEAFLET_IMAGES = "/static/vendor/leaflet-1.9.4/images/";
var PHONE_PAGES = /^\/(my\/turfs|walk\/\d+)$/;
var NETWORK_TIMEOUT_MS = 6000;

self.addEventListener("install", function (event) {
  // One missing file (e.g. Leaflet not vendored) must not stop the worker from installing.
  event.waitUntil(caches.open(SHELL).then(function (cache) {
    return Promise.all(SHELL_FILES.map(function (url) {
      return cache.add(new Request(url, { cache: "reload" })).catch(function () {});
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) {
      return n.indexOf("fieldapp-shell-") === 0 && n !== SHELL;
    }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // Only the phone's own files: organizer pages' static files are left to the network.
  if (SHELL_FILES.indexOf(url.pathname) !== -1 || url.pathname.indexOf(LEAFLET_IMAGES) === 0) {
    event.respondWith(staleWhileRevalidate(request));
  } else if (request.mode === "navigate" && PHONE_PAGES.test(url.pathname)) {
    event.respondWith(networkFirst(request, url));
  }
});

/** The kept copy at once, refreshed from the network for next time. */
function staleWhileRevalidate(request) {
  return caches.open(SHELL).then(function (cache) {
    return cache.match(request, { ignoreSearch: true }).then(function (kept) {
      var fresh = fetch(request).then(function (response) {
        if (response.ok) cache.put(request, response.clone());
        return response;
      });
      if (kept) {
        fresh.catch(function () {});
        return kept;
      }
      return fresh;
    });
  });
}

/** The network's page (kept for later); the kept page when offline, slow or failing. */
function networkFirst(request, url) {
  var key = url.origin + url.pathname;
  return caches.open(PAGES).then(function (cache) {
    var fromCache = function () {
      return cache.match(key, { ignoreVary: true, ignoreSearch: true });
    };
    var network = fetch(request).then(function (response) {
      // Only real pages are kept: not the login redirect, not an error page.
      if (response.ok && response.type === "basic" && !response.redirected) {
        cache.put(key, response.clone());
      }
      if (response.status >= 500) {
        return fromCache().then(function (kept) { return kept || response; });
      }
      return response;
    });
    var timeout = new Promise(function (resolve) {
      setTimeout(function () {
        fromCache().then(function (kept) { if (kept) resolve(kept); });
      }, NETWORK_TIMEOUT_MS);
    });
    var offline = network.catch(function (error) {
      return fromCache().then(function (kept) {
        if (kept) return kept;
        throw error;
      });
    });
    return Promise.race([offline, timeout]);
  });
}
