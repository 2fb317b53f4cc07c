// The push part of the service worker: /sw.js (the `field` helper's) runs
// importScripts("/static/js/sw-push.js"). The payload is the notification's text (a case
// reference, never a name) and a same-origin link (notifications/push.py: payload()).
/* global self, clients */
(function () {
  "use strict";

  self.addEventListener("push", function (event) {
    var data = {};
    try {
      data = event.data ? event.data.json() : {};
    } catch (e) {
      data = { body: event.data ? event.data.text() : "" };
    }
    var title = data.title || "Homeward";
    event.waitUntil(
      self.registration.showNotification(title, {
        body: data.body || "",
        tag: data.tag || undefined, // a resend replaces, never shows twice
        renotify: false,
        data: { url: data.url || "/notifications/" },
      })
    );
  });

  self.addEventListener("notificationclick", function (event) {
    event.notification.close();
    var target = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
    if (target.origin !== self.location.origin) target = new URL("/notifications/", self.location.origin);
    event.waitUntil(
      clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (list) {
        for (var i = 0; i < list.length; i++) {
          if (new URL(list[i].url).origin === target.origin && "navigate" in list[i]) {
            return list[i].focus().then(function (c) { return c.navigate(target.href); });
          }
        }
        return clients.openWindow(target.href);
      })
    );
  });
})();
