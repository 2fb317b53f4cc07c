// Homeward's own script: small, no inline code (the Content Security Policy forbids it).
(function () {
  "use strict";
  // Confirm destructive actions marked with data-confirm.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
  // A form sent with htmx and refused (422 Unprocessable Content: errors, or Burmese typed
  // in Zawgyi to confirm) comes back with the form and its messages: show it. htmx 2 does
  // not swap 4xx responses by default.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr && (event.detail.xhr.status === 422 || event.detail.xhr.status === 409)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  // Forms marked data-submit-once (write forms carrying {% submission_token %}): the
  // buttons are disabled while the request runs, so a double-click sends once. The button
  // that was pressed still counts: its name and value travel in a hidden copy.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.hasAttribute || !form.hasAttribute("data-submit-once")) {
      return;
    }
    if (form.getAttribute("data-submitting") === "true") {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-submitting", "true");
    var pressed = event.submitter;
    if (pressed && pressed.name) {
      var copy = document.createElement("input");
      copy.type = "hidden";
      copy.name = pressed.name;
      copy.value = pressed.value;
      copy.setAttribute("data-submitter-copy", "");
      form.appendChild(copy);
    }
    form.querySelectorAll("button, input[type=submit]").forEach(function (button) {
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
    });
  });
  // Back to a page kept by the browser: its form may be used again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submitting]").forEach(function (form) {
      form.removeAttribute("data-submitting");
      form.querySelectorAll("[data-submitter-copy]").forEach(function (el) {
        el.remove();
      });
      form.querySelectorAll("button, input[type=submit]").forEach(function (button) {
        button.disabled = false;
        button.removeAttribute("aria-busy");
      });
    });
  });
  // Selects marked data-autosubmit submit their form on change (the button stays for
  // people without JavaScript).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) {
      el.form.submit();
    }
  });
  // Panels marked data-open-wide (the case list's filters) are closed on a phone and open
  // on a wide screen.
  function openWide() {
    if (!window.matchMedia("(min-width: 48rem)").matches) return;
    document.querySelectorAll("details[data-open-wide]").forEach(function (el) {
      el.open = true;
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", openWide);
  } else {
    openWide();
  }
})();
