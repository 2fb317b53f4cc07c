// Passkeys (partners/passkeys.py): add one on the account page, use one at the login's
// second step. The server makes the challenge; this file only carries it to the browser's
// WebAuthn API and the answer back, as JSON (base64url for the binary fields). No inline
// script (CSP).
(function () {
  "use strict";
  if (!window.PublicKeyCredential || !navigator.credentials) return;

  function b64urlToBytes(value) {
    var pad = "=".repeat((4 - (value.length % 4)) % 4);
    var raw = atob((value + pad).replace(/-/g, "+").replace(/_/g, "/"));
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out.buffer;
  }

  function bytesToB64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var s = "";
    for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) return input.value;
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body || {}),
    }).then(function (r) {
      return r.json().then(function (data) {
        if (!r.ok) throw new Error(data.error || "HTTP " + r.status);
        return data;
      });
    });
  }

  function descriptors(list) {
    return (list || []).map(function (c) {
      return { type: c.type, id: b64urlToBytes(c.id), transports: c.transports };
    });
  }

  function credentialJSON(cred) {
    var r = cred.response;
    var response = { clientDataJSON: bytesToB64url(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = bytesToB64url(r.attestationObject);
      if (r.getTransports) response.transports = r.getTransports();
    } else {
      response.authenticatorData = bytesToB64url(r.authenticatorData);
      response.signature = bytesToB64url(r.signature);
      if (r.userHandle) response.userHandle = bytesToB64url(r.userHandle);
    }
    return {
      id: cred.id,
      rawId: bytesToB64url(cred.rawId),
      type: cred.type,
      response: response,
      clientExtensionResults: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
      authenticatorAttachment: cred.authenticatorAttachment || undefined,
    };
  }

  function showError(el, message) {
    if (!el) return;
    el.textContent = message || el.getAttribute("data-default");
    el.hidden = false;
  }

  // Account page: "Add a passkey".
  var addForm = document.getElementById("passkey-add");
  if (addForm) {
    addForm.hidden = false;
    addForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var error = addForm.querySelector("[data-passkey-error]");
      var button = addForm.querySelector("button[type=submit]");
      var name = addForm.querySelector("input[name=name]").value;
      error.hidden = true;
      button.disabled = true;
      post(addForm.getAttribute("data-options-url")).then(function (o) {
        return navigator.credentials.create({
          publicKey: {
            rp: o.rp,
            user: { id: b64urlToBytes(o.user.id), name: o.user.name, displayName: o.user.displayName },
            challenge: b64urlToBytes(o.challenge),
            pubKeyCredParams: o.pubKeyCredParams,
            timeout: o.timeout,
            excludeCredentials: descriptors(o.excludeCredentials),
            authenticatorSelection: o.authenticatorSelection,
            attestation: o.attestation,
          },
        });
      }).then(function (cred) {
        return post(addForm.getAttribute("action"), { name: name, credential: credentialJSON(cred) });
      }).then(function (data) {
        window.location.assign(data.redirect);
      }).catch(function (err) {
        showError(error, err && err.name === "NotAllowedError" ? null : err.message);
      }).finally(function () {
        button.disabled = false;
      });
    });
  }

  // Login, second step: "Use a passkey".
  var loginButton = document.querySelector("[data-passkey-login]");
  if (loginButton) {
    var box = loginButton.closest("[data-passkey-box]");
    if (box) box.hidden = false;
    loginButton.addEventListener("click", function () {
      var error = document.querySelector("[data-passkey-login-error]");
      error.hidden = true;
      loginButton.disabled = true;
      post(loginButton.getAttribute("data-options-url")).then(function (o) {
        return navigator.credentials.get({
          publicKey: {
            challenge: b64urlToBytes(o.challenge),
            timeout: o.timeout,
            rpId: o.rpId,
            allowCredentials: descriptors(o.allowCredentials),
            userVerification: o.userVerification,
          },
        });
      }).then(function (cred) {
        return post(loginButton.getAttribute("data-verify-url"), credentialJSON(cred));
      }).then(function (data) {
        window.location.assign(data.redirect);
      }).catch(function (err) {
        showError(error, err && err.name === "NotAllowedError" ? null : err.message);
      }).finally(function () {
        loginButton.disabled = false;
      });
    });
  }
})();
