// The outbox: what a caseworker saves without signal waits on the phone, encrypted, and is
// sent to the API when the signal returns (docs/performance.md, "Offline").
//
// - Each item is encrypted with AES-GCM under one key made on this phone, non-extractable,
//   kept in IndexedDB beside the items. Logging out deletes the database (key and items) and
//   the service worker's cache; the logout answer's Clear-Site-Data header does it again.
// - Each item carries its own Idempotency-Key, made when it is saved: however often sending is
//   retried (lost answer, second tab), the API creates the call, its cases or the note once.
// - An item is deleted as soon as the API has accepted it.
//
// Generic API for other features (a follow-up outcome, ...):
//   HomewardOutbox.add({kind: "note", url: "/api/v1/...", body: {...}}) -> Promise
//   HomewardOutbox.count(), .flush(), .clear()
(function () {
  "use strict";
  var configNode = document.getElementById("outbox-config");
  if (!configNode || !window.indexedDB || !window.crypto || !window.crypto.subtle) {
    return;
  }
  var T = JSON.parse(configNode.textContent);
  var URLS = T.urls;
  var DB_NAME = "homeward-outbox";
  var offlineCopy = !!document.querySelector('meta[name="homeward-offline-copy"]');

  function format(forms, count) {
    return (count === 1 ? forms.one : forms.other).replace("%(count)s", String(count));
  }

  // --- storage ---------------------------------------------------------------------------
  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = function () {
        req.result.createObjectStore("keys");
        req.result.createObjectStore("items", { keyPath: "id", autoIncrement: true });
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function run(storeName, mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(storeName, mode);
        var result;
        var req = work(tx.objectStore(storeName));
        if (req) {
          req.onsuccess = function () { result = req.result; };
        }
        tx.oncomplete = function () { db.close(); resolve(result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function key() {
    return run("keys", "readonly", function (s) { return s.get("outbox"); }).then(function (found) {
      if (found) {
        return found;
      }
      return crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"])
        .then(function (made) {
          return run("keys", "readwrite", function (s) { return s.put(made, "outbox"); }).then(function () {
            return made;
          });
        });
    });
  }

  function encrypt(value) {
    var iv = crypto.getRandomValues(new Uint8Array(12));
    var plain = new TextEncoder().encode(JSON.stringify(value));
    return key().then(function (k) {
      return crypto.subtle.encrypt({ name: "AES-GCM", iv: iv }, k, plain);
    }).then(function (data) { return { iv: iv, data: data }; });
  }

  function decrypt(item) {
    return key().then(function (k) {
      return crypto.subtle.decrypt({ name: "AES-GCM", iv: item.iv }, k, item.data);
    }).then(function (plain) { return JSON.parse(new TextDecoder().decode(plain)); });
  }

  // Reading never creates the database: a phone that never saved anything keeps none.
  function exists() {
    if (!indexedDB.databases) {
      return Promise.resolve(true);
    }
    return indexedDB.databases().then(function (dbs) {
      return dbs.some(function (d) { return d.name === DB_NAME; });
    });
  }

  function items() {
    return exists().then(function (found) {
      if (!found) {
        return [];
      }
      return run("items", "readonly", function (s) { return s.getAll(); }).then(function (all) {
        return all || [];
      });
    });
  }

  function add(entry) {
    var secret = { url: entry.url, body: JSON.stringify(entry.body), idempotencyKey: crypto.randomUUID() };
    return encrypt(secret).then(function (sealed) {
      var row = { kind: entry.kind, savedAt: new Date().toISOString(), iv: sealed.iv, data: sealed.data, error: "" };
      return run("items", "readwrite", function (s) { return s.add(row); });
    }).then(function () {
      show(T.saved);
      return flush();
    });
  }

  function remove(id) {
    return run("items", "readwrite", function (s) { return s.delete(id); });
  }

  function markFailed(item, message) {
    item.error = message;
    return run("items", "readwrite", function (s) { return s.put(item); });
  }

  function clear() {
    var done = [new Promise(function (resolve) {
      var req = indexedDB.deleteDatabase(DB_NAME);
      req.onsuccess = req.onerror = req.onblocked = function () { resolve(); };
    })];
    if (window.caches) {
      done.push(caches.keys().then(function (names) {
        return Promise.all(names.map(function (n) { return caches.delete(n); }));
      }));
    }
    if (navigator.serviceWorker) {
      done.push(navigator.serviceWorker.getRegistrations().then(function (regs) {
        return Promise.all(regs.map(function (r) { return r.unregister(); }));
      }));
    }
    return Promise.all(done).catch(function () {});
  }

  // --- status ----------------------------------------------------------------------------
  var statusNode = null;
  var lastNote = "";

  function statusElement() {
    if (!statusNode) {
      statusNode = document.createElement("p");
      statusNode.className = "outbox-status";
      statusNode.setAttribute("role", "status");
      statusNode.hidden = true;
      var main = document.getElementById("main") || document.body;
      main.insertBefore(statusNode, main.firstChild);
    }
    return statusNode;
  }

  function show(note) {
    lastNote = note || "";
    return refresh();
  }

  function refresh() {
    return items().then(function (all) {
      var failed = all.filter(function (i) { return i.error; });
      var waiting = all.length - failed.length;
      var parts = [];
      if (waiting) { parts.push(format(T.waiting, waiting)); }
      if (failed.length) { parts.push(format(T.failed, failed.length)); }
      if (lastNote) { parts.push(lastNote); }
      var el = statusElement();
      el.textContent = parts.join(" · ");
      el.hidden = parts.length === 0;
      el.setAttribute("data-waiting", String(waiting));
      renderFailed(failed);
      return all.length;
    });
  }

  // The offline page lists what the server refused, with its reason, to be discarded.
  function renderFailed(failed) {
    var list = document.getElementById("outbox-failed");
    if (!list) {
      return;
    }
    list.textContent = "";
    failed.forEach(function (item) {
      var li = document.createElement("li");
      li.textContent = (T[item.kind] || item.kind) + " · " + new Date(item.savedAt).toLocaleString() + " · " + item.error + " ";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "link-button";
      button.textContent = T.discard;
      button.addEventListener("click", function () { remove(item.id).then(refresh); });
      li.appendChild(button);
      list.appendChild(li);
    });
  }

  // --- sending ---------------------------------------------------------------------------
  var flushing = null;

  function csrfToken() {
    return fetch(URLS.token, { credentials: "same-origin", cache: "no-store" }).then(function (r) {
      if (r.status === 403) {
        throw new Error("signed-out");
      }
      return r.json();
    }).then(function (data) { return data.csrf_token; });
  }

  function errorText(response) {
    return response.json().then(function (data) {
      var e = data && data.error;
      return (e && (e.message || e.code)) || String(response.status);
    }).catch(function () { return String(response.status); });
  }

  function sendOne(item, token) {
    return decrypt(item).then(function (secret) {
      return fetch(secret.url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "Accept": "application/json",
          "X-CSRFToken": token,
          "Idempotency-Key": secret.idempotencyKey
        },
        body: secret.body
      });
    }).then(function (response) {
      if (response.ok) {
        return remove(item.id);
      }
      if (response.status === 401 || response.status === 403) {
        throw new Error("signed-out");
      }
      if (response.status >= 500 || response.status === 429 || response.status === 408) {
        throw new Error("later");
      }
      return errorText(response).then(function (text) { return markFailed(item, text); });
    });
  }

  function flush() {
    if (flushing) {
      return flushing;
    }
    flushing = items().then(function (all) {
      var pending = all.filter(function (i) { return !i.error; });
      if (!pending.length || navigator.onLine === false) {
        return refresh();
      }
      return csrfToken().then(function (token) {
        return pending.reduce(function (chain, item) {
          return chain.then(function () { return sendOne(item, token); });
        }, Promise.resolve());
      }).then(function () {
        return items().then(function (left) { return show(left.length ? "" : T.sent); });
      }, function (error) {
        return show(error && error.message === "signed-out" ? T.signin : "");
      });
    }).catch(function () { return refresh(); }).then(function (n) {
      flushing = null;
      return n;
    });
    return flushing;
  }

  // --- forms -----------------------------------------------------------------------------
  function intakeBody(form) {
    var call = {};
    var persons = [];
    var multi = { exploitation_types: true, means_of_control: true };
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.type === "submit" || el.type === "button") {
        return;
      }
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) {
        return;
      }
      var value = el.value;
      if (value === "" || el.name === "csrfmiddlewaretoken") {
        return;
      }
      var m = /^persons-(\d+)-(.+)$/.exec(el.name);
      if (m) {
        var i = Number(m[1]);
        persons[i] = persons[i] || {};
        persons[i][m[2]] = m[2] === "stateless" ? true : value;
        return;
      }
      if (el.name.indexOf("persons-") === 0) {
        return; // the formset's management fields
      }
      if (el.name === "received_at") {
        value = new Date(value).toISOString(); // typed in the phone's own time zone
      }
      if (multi[el.name]) {
        (call[el.name] = call[el.name] || []).push(value);
      } else {
        call[el.name] = value;
      }
    });
    call.persons = persons.filter(Boolean);
    return call;
  }

  function renumber(node, index) {
    ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
      Array.prototype.forEach.call(node.querySelectorAll("[" + attr + "]"), function (el) {
        el.setAttribute(attr, el.getAttribute(attr).replace(/persons-\d+-/g, "persons-" + index + "-"));
      });
    });
  }

  // Without signal "Add another person" copies the last person's fields, empty.
  function addPersonRow(form) {
    var rows = form.querySelectorAll(".person-row");
    var last = rows[rows.length - 1];
    var total = form.querySelector('[name="persons-TOTAL_FORMS"]');
    if (!last || !total) {
      return;
    }
    var index = rows.length;
    var copy = last.cloneNode(true);
    renumber(copy, index);
    Array.prototype.forEach.call(copy.querySelectorAll(".errorlist, .duplicate-choice, .zawgyi-notice"), function (el) {
      el.remove();
    });
    Array.prototype.forEach.call(copy.querySelectorAll("input, select, textarea"), function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = false;
      } else if (el.tagName === "SELECT") {
        el.selectedIndex = 0;
      } else {
        el.value = "";
      }
      el.removeAttribute("aria-invalid");
    });
    var legend = copy.querySelector("legend");
    if (legend) {
      legend.textContent = legend.textContent.replace(String(index), String(index + 1));
    }
    last.parentNode.insertBefore(copy, last.nextSibling);
    total.value = String(index + 1);
    var first = copy.querySelector("input:not([type=hidden]), select");
    if (first) {
      first.focus();
    }
  }

  function offline() {
    return offlineCopy || navigator.onLine === false;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest('form.intake button[name="add_person"]');
    if (button && offline()) {
      event.preventDefault();
      addPersonRow(button.form);
    }
  }, true);

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!offline()) {
      return;
    }
    if (form.matches("form.intake")) {
      event.preventDefault();
      event.stopPropagation();
      add({ kind: "call", url: URLS.calls, body: intakeBody(form) }).then(function () {
        form.reset();
        var extra = form.querySelectorAll(".person-row");
        for (var i = extra.length - 1; i > 0; i--) { extra[i].remove(); }
        var total = form.querySelector('[name="persons-TOTAL_FORMS"]');
        if (total) { total.value = "1"; }
        window.scrollTo(0, 0);
      });
    } else if (form.hasAttribute("data-outbox-url")) {
      // A form that says where its content goes in the API (e.g. a case's notes).
      event.preventDefault();
      event.stopPropagation();
      var body = {};
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name && el.name !== "csrfmiddlewaretoken" && el.type !== "submit") {
          body[el.name] = el.value;
        }
      });
      add({ kind: form.getAttribute("data-outbox-kind") || "note", url: form.getAttribute("data-outbox-url"), body: body })
        .then(function () { form.reset(); });
    }
  }, true);

  // Logging out deletes the key and what waits (asked first when something waits).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.getAttribute("action") !== URLS.logout || form.hasAttribute("data-outbox-cleared")) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    items().catch(function () { return []; }).then(function (all) {
      if (all.length && !window.confirm(format(T.logout, all.length))) {
        return;
      }
      clear().then(function () {
        form.setAttribute("data-outbox-cleared", "");
        form.submit();
      });
    });
  }, true);

  // The offline copy of the intake form was kept earlier: its time is now.
  if (offlineCopy) {
    var received = document.querySelector('form.intake [name="received_at"]');
    if (received) {
      var now = new Date();
      now.setMinutes(now.getMinutes() - now.getTimezoneOffset());
      received.value = now.toISOString().slice(0, 16);
    }
  }

  window.addEventListener("online", flush);
  setInterval(function () { if (navigator.onLine !== false) { flush(); } }, 30000);
  refresh().then(function (n) { if (n) { flush(); } });

  // --- service worker ---------------------------------------------------------------------
  if (navigator.serviceWorker) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register(URLS.sw, { scope: "/" }).then(function () {
        return navigator.serviceWorker.ready;
      }).then(function (reg) {
        // Signed-in online pages refresh the offline copies (in the user's language).
        // Once per tab and language: not a request more on every page.
        var mark = "homeward-offline-" + document.documentElement.lang;
        var signedIn = document.querySelector("form[action='" + URLS.logout + "']");
        if (!offlineCopy && signedIn && navigator.onLine !== false && reg.active && !sessionStorage.getItem(mark)) {
          reg.active.postMessage({ type: "refresh-offline" });
          sessionStorage.setItem(mark, "1");
        }
      }).catch(function () {});
    });
  }

  window.HomewardOutbox = { add: add, count: function () { return items().then(function (a) { return a.length; }); }, flush: flush, clear: clear };
})();
