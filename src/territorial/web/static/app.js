// Behaviour every page shares, kept out of the HTML so the content policy can forbid
// inline scripts:
// - every POST form carries the session's CSRF token (from <meta name="csrf-token">);
// - <select data-autosubmit> submits its form when changed;
// - <form data-busy> disables its button and shows its .pl-busy element while it runs;
// - an htmx request that fails shows the element named by data-error-show;
// - logging out forgets the rep view's offline copy;
// - bars (.bar[data-width]) get their widths.
(function () {
  "use strict";
  const meta = document.querySelector('meta[name="csrf-token"]');
  const token = meta ? meta.content : "";

  function addToken(form) {
    // getAttribute, not form.method: a field named "method" would shadow the property.
    if (!token || (form.getAttribute("method") || "").toLowerCase() !== "post") return;
    let field = form.querySelector('input[name="csrf_token"]');
    if (!field) {
      field = document.createElement("input");
      field.type = "hidden";
      field.name = "csrf_token";
      form.appendChild(field);
    }
    field.value = token;
  }

  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    addToken(form);
    if ((form.getAttribute("action") || "") === "/logout" && window.caches) {
      caches.keys().then(function (keys) { keys.forEach(function (k) { caches.delete(k); }); });
    }
    if (form.hasAttribute("data-busy")) {
      const button = form.querySelector("button");
      const busy = form.querySelector(".pl-busy");
      if (button) button.disabled = true;
      if (busy) busy.hidden = false;
    }
  }, true);

  document.addEventListener("change", function (event) {
    const select = event.target;
    if (select instanceof HTMLSelectElement && select.hasAttribute("data-autosubmit") && select.form) {
      addToken(select.form);
      select.form.requestSubmit();
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    const elt = event.detail && event.detail.elt;
    const selector = elt && elt.closest ? elt.closest("[data-error-show]") : null;
    if (selector) {
      const shown = document.querySelector(selector.getAttribute("data-error-show"));
      if (shown) shown.hidden = false;
    }
  });

  // <span class="bar" data-width="42.5">: the width in percent, set through CSSOM (the
  // content policy forbids style attributes), on load and in what htmx swaps in.
  function sizeBars(root) {
    root.querySelectorAll(".bar[data-width]").forEach(function (bar) {
      const width = Number(bar.getAttribute("data-width"));
      if (Number.isFinite(width)) bar.style.width = Math.max(0, Math.min(100, width)) + "%";
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { sizeBars(document); });
  } else {
    sizeBars(document);
  }
  document.addEventListener("htmx:afterSwap", function (event) { sizeBars(event.target); });

  // Scripts (fetch) read the token from here.
  window.territorialCsrf = token;
})();
