/* Nâng Tầm service worker: pages of the courses a learner opened stay
   readable offline; a page never opened shows the offline page. */
"use strict";
var CONFIG = {{ config }};
var VERSION = CONFIG.version;
var PAGES = "nt-pages";
var ASSETS = "nt-assets-" + VERSION;
var OFFLINE_URL = CONFIG.offline_url;
var LOGOUT_URL = CONFIG.logout_url;
var PRECACHE = [OFFLINE_URL].concat(CONFIG.assets);
var PAGE_PREFIXES = CONFIG.page_prefixes;
var ASSET_PREFIXES = CONFIG.asset_prefixes;
var MAX_PAGES = CONFIG.max_pages;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(ASSETS)
      .then(function (cache) { return cache.addAll(PRECACHE); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) {
        return key.indexOf("nt-assets-") === 0 && key !== ASSETS;
      }).map(function (key) { return caches.delete(key); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function startsWithAny(path, prefixes) {
  return prefixes.some(function (prefix) { return path.indexOf(prefix) === 0; });
}

function trim(cache) {
  return cache.keys().then(function (keys) {
    return Promise.all(keys.slice(0, Math.max(0, keys.length - MAX_PAGES)).map(function (key) {
      return cache.delete(key);
    }));
  });
}

// HTML: the network first, so a learner online always reads the latest
// version; the copy saved at the last visit when the network fails.
function page(request, keep) {
  return fetch(request).then(function (response) {
    if (keep && response.ok && response.type === "basic" && !response.redirected) {
      var copy = response.clone();
      caches.open(PAGES).then(function (cache) {
        return cache.put(request, copy).then(function () { return trim(cache); });
      });
    }
    return response;
  }).catch(function () {
    return caches.match(request, { ignoreVary: true }).then(function (saved) {
      return saved || caches.match(OFFLINE_URL);
    });
  });
}

// Static files and images: the saved copy first (refreshed in the background).
function asset(request) {
  return caches.open(ASSETS).then(function (cache) {
    return cache.match(request).then(function (saved) {
      var fresh = fetch(request).then(function (response) {
        if (response.ok) cache.put(request, response.clone());
        return response;
      });
      if (saved) {
        fresh.catch(function () {});
        return saved;
      }
      return fresh;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === LOGOUT_URL) {
    // Pages saved for one learner are not left on a shared phone.
    event.waitUntil(caches.delete(PAGES));
    return;
  }
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    event.respondWith(page(request, url.pathname === "/" || startsWithAny(url.pathname, PAGE_PREFIXES)));
  } else if (startsWithAny(url.pathname, ASSET_PREFIXES)) {
    event.respondWith(asset(request));
  }
});
