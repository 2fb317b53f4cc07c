// Web Push on this device (templates/notifications/partials/push_devices.html): subscribe with
// the server's VAPID key through the service worker (/sw.js, which imports sw-push.js) and
// hand the subscription to the server; or turn it off. No inline script (CSP).
(function () {
  "use strict";
  var box = document.getElementById("push-controls");
  if (!box) return;
  var unsupported = document.querySelector("[data-push-unsupported]");
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    return; // the "cannot receive" line stays
  }
  if (unsupported) unsupported.hidden = true;
  box.hidden = false;
  var enableBtn = box.querySelector("[data-push-enable]");
  var disableBtn = box.querySelector("[data-push-disable]");
  var status = box.querySelector("[data-push-status]");

  function csrfToken() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body),
    }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    });
  }

  function keyBytes(base64url) {
    var pad = "=".repeat((4 - (base64url.length % 4)) % 4);
    var raw = atob((base64url + pad).replace(/-/g, "+").replace(/_/g, "/"));
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  function show(on, textKey) {
    enableBtn.hidden = on;
    disableBtn.hidden = !on;
    status.textContent = status.getAttribute("data-text-" + (textKey || (on ? "on" : "off")));
  }

  function registration() {
    return navigator.serviceWorker.getRegistration("/").then(function (reg) {
      return reg || navigator.serviceWorker.register("/sw.js", { scope: "/" });
    }).then(function () {
      return navigator.serviceWorker.ready;
    });
  }

  function enable() {
    enableBtn.disabled = true;
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") throw new Error("denied");
      return registration();
    }).then(function (reg) {
      return reg.pushManager.getSubscription().then(function (sub) {
        return sub || reg.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(box.getAttribute("data-public-key")),
        });
      });
    }).then(function (sub) {
      return post(box.getAttribute("data-subscribe-url"), sub.toJSON());
    }).then(function () {
      window.location.reload(); // the device list shows the new device
    }).catch(function (err) {
      show(false, err && err.message === "denied" ? "denied" : "failed");
    }).finally(function () {
      enableBtn.disabled = false;
    });
  }

  function disable() {
    disableBtn.disabled = true;
    registration().then(function (reg) {
      return reg.pushManager.getSubscription();
    }).then(function (sub) {
      if (!sub) return null;
      var endpoint = sub.endpoint;
      return sub.unsubscribe().then(function () {
        return post(box.getAttribute("data-unsubscribe-url"), { endpoint: endpoint });
      });
    }).then(function () {
      window.location.reload();
    }).catch(function () {
      show(true, "failed");
    }).finally(function () {
      disableBtn.disabled = false;
    });
  }

  enableBtn.addEventListener("click", enable);
  disableBtn.addEventListener("click", disable);
  // On when this browser holds a subscription the server knows (logging out revokes it
  // on the server: the button then offers to turn it on again).
  navigator.serviceWorker.getRegistration("/").then(function (reg) {
    return reg ? reg.pushManager.getSubscription() : null;
  }).then(function (sub) {
    var known = box.getAttribute("data-known-endpoints") || "";
    show(Boolean(sub && known.split(" ").indexOf(sub.endpoint) !== -1));
  }).catch(function () {
    show(false);
  });
})();
