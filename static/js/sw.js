// Homeward's service worker, served at /sw.js by config/pwa.py, which puts self.HOMEWARD in
// front of this file: the static files to keep, the offline pages, the push handler.
//
// What it keeps: static files, and the two offline pages rendered without identity
// (/offline/, /offline/intake/). It never stores any other page: everything else goes to the
// network, and a page that cannot be fetched is answered with the offline shell.
/* global HOMEWARD */
"use strict";

if (HOMEWARD.push) {
  try {
    importScripts(HOMEWARD.push);
  } catch (error) {
    // Push notifications are optional: the worker runs without them.
  }
}

var STATIC_CACHE = "homeward-static-" + HOMEWARD.version;
var OFFLINE_CACHE = "homeward-offline-" + HOMEWARD.version;
var OFFLINE_PAGES = [HOMEWARD.offline.shell, HOMEWARD.offline.intake];

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(STATIC_CACHE).then(function (cache) {
      // From the browser's HTTP cache when the page just loaded them: never fetched twice.
      return Promise.all(HOMEWARD.assets.map(function (url) {
        return cache.add(new Request(url, { cache: "force-cache" })).catch(function () {});
      }));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("homeward-") === 0 && name !== STATIC_CACHE && name !== OFFLINE_CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

// The offline pages need a signed-in user: a redirect (to the login page) is not kept. A page
// is read in full before it replaces the kept copy, so that a signal lost half-way keeps the
// old copy whole.
var refreshing = null;

function refreshOfflinePages() {
  if (refreshing) {
    return refreshing;
  }
  refreshing = caches.open(OFFLINE_CACHE).then(function (cache) {
    return Promise.all(OFFLINE_PAGES.map(function (url) {
      return fetch(url, { credentials: "same-origin", redirect: "manual", cache: "no-store" })
        .then(function (response) {
          if (!response.ok || response.type !== "basic") {
            return undefined;
          }
          return response.blob().then(function (body) {
            return cache.put(url, new Response(body, {
              status: 200,
              headers: { "Content-Type": response.headers.get("Content-Type") || "text/html" }
            }));
          });
        })
        .catch(function () {});
    }));
  }).then(function () { refreshing = null; }, function () { refreshing = null; });
  return refreshing;
}

self.addEventListener("message", function (event) {
  if (event.data && event.data.type === "refresh-offline") {
    event.waitUntil(refreshOfflinePages());
  }
});

function keepStatic(request, response) {
  if (response.ok && response.type === "basic") {
    var copy = response.clone();
    caches.open(STATIC_CACHE).then(function (cache) { cache.put(request, copy); });
  }
  return response;
}

function staticFile(request) {
  if (HOMEWARD.hashed) {
    return caches.match(request).then(function (hit) {
      return hit || fetch(request).then(function (response) { return keepStatic(request, response); });
    });
  }
  return fetch(request).then(function (response) { return keepStatic(request, response); })
    .catch(function () { return caches.match(request); });
}

function offlinePage(url) {
  var intake = url.pathname === HOMEWARD.intake || url.pathname === HOMEWARD.offline.intake;
  var page = intake ? HOMEWARD.offline.intake : HOMEWARD.offline.shell;
  return caches.open(OFFLINE_CACHE).then(function (cache) {
    return cache.match(page).then(function (hit) {
      return hit || cache.match(HOMEWARD.offline.shell);
    });
  }).then(function (hit) {
    return hit || new Response("", { status: 503, statusText: "Offline" });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") {
    return;
  }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (url.pathname.indexOf(HOMEWARD.static) === 0) {
    event.respondWith(staticFile(request));
  } else if (request.mode === "navigate") {
    // Pages always from the network, never stored; without signal, the offline copy.
    event.respondWith(fetch(request).catch(function () { return offlinePage(url); }));
  }
});
