// Attachments: the upload form is sent with XMLHttpRequest so that a progress bar can show
// how much of a slow upload has gone (no inline code: the Content Security Policy forbids
// it). Without this script the form posts as usual and works the same.
(function () {
  "use strict";
  function enhance(form) {
    if (form.getAttribute("data-upload-ready") === "true" || !window.FormData) {
      return;
    }
    form.setAttribute("data-upload-ready", "true");
    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented) {
        return;
      }
      event.preventDefault();
      if (form.getAttribute("data-submitting") === "true") {
        return; // a double click: the first upload is running
      }
      form.setAttribute("data-submitting", "true");
      form.querySelectorAll("button").forEach(function (b) {
        b.disabled = true;
        b.setAttribute("aria-busy", "true");
      });
      var box = form.querySelector(".upload-progress");
      var bar = form.querySelector("progress");
      var text = form.querySelector(".upload-progress-text");
      var failed = form.querySelector(".upload-error");
      var xhr = new XMLHttpRequest();
      box.hidden = false;
      failed.hidden = true;
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          var pct = Math.round((100 * e.loaded) / e.total);
          bar.value = pct;
          text.textContent = pct + "%";
        }
      });
      xhr.addEventListener("load", function () {
        var next = xhr.getResponseHeader("X-Redirect-To");
        if (next && next.charAt(0) === "/" && next.charAt(1) !== "/") {
          // Stored: the case page shows what was done. The same page (with only another
          // #fragment) would merely scroll: load it anew.
          var target = new URL(next, window.location.href);
          var here = window.location;
          if (target.pathname === here.pathname && target.search === here.search) {
            here.hash = target.hash;
            here.reload();
          } else {
            here.assign(target.href);
          }
          return;
        }
        if (xhr.status < 400 && xhr.responseURL) {
          // Stored: the case page (the redirect's target), as a normal post would show.
          window.location.assign(xhr.responseURL);
          return;
        }
        // Refused: the form comes back with its messages next to the fields.
        var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
        var fresh = doc.getElementById(form.id);
        if (fresh) {
          form.replaceWith(fresh);
          enhance(fresh);
          var focus = fresh.querySelector("[aria-invalid=true], .field-error, .error-summary");
          if (focus && focus.scrollIntoView) {
            focus.scrollIntoView();
          }
        } else {
          reset();
          failed.hidden = false;
        }
      });
      function reset() {
        box.hidden = true;
        form.removeAttribute("data-submitting");
        form.querySelectorAll("button").forEach(function (b) {
          b.disabled = false;
          b.removeAttribute("aria-busy");
        });
      }
      xhr.addEventListener("error", function () {
        reset();
        failed.hidden = false;
      });
      xhr.addEventListener("abort", function () {
        reset();
        failed.hidden = false;
      });
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      xhr.send(new FormData(form));
    });
  }
  function init() {
    document.querySelectorAll("form[data-upload-progress]").forEach(enhance);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
