/* Goodwill workspace: error toasts for HTMX requests, and small form conveniences. No dependencies. */
(function () {
  "use strict";

  var SUCCESS_TOAST_MS = 5000;
  var ERROR_TOAST_MS = 12000;

  function toastArea() {
    return document.getElementById("toasts");
  }

  function scheduleRemoval(toast) {
    if (toast.dataset.scheduled) return;
    toast.dataset.scheduled = "1";
    var delay = toast.classList.contains("toast-error") ? ERROR_TOAST_MS : SUCCESS_TOAST_MS;
    window.setTimeout(function () { toast.remove(); }, delay);
  }

  function showToast(message, kind) {
    var area = toastArea();
    if (!area) return;
    var toast = document.createElement("div");
    toast.className = "toast toast-" + kind;
    toast.setAttribute("role", kind === "error" ? "alert" : "status");
    toast.textContent = message;
    area.appendChild(toast);
    scheduleRemoval(toast);
  }

  function errorMessage(xhr) {
    // Error pages carry the message in <main><p>; fall back to the status line.
    try {
      var page = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
      var paragraph = page.querySelector("main p, .toast");
      if (paragraph && paragraph.textContent.trim()) return paragraph.textContent.trim();
    } catch (ignored) { /* not HTML */ }
    return "Something went wrong (" + xhr.status + "). Please try again.";
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.status < 400) return;
    if (xhr.getResponseHeader("HX-Retarget")) {
      event.detail.shouldSwap = true;  // the server sent a toast for #toasts
      return;
    }
    event.detail.shouldSwap = false;
    showToast(errorMessage(xhr), "error");
  });

  document.addEventListener("htmx:sendError", function () {
    showToast("Could not reach the server. Check your connection and try again.", "error");
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var element = event.detail.elt;
    if (element && element.hasAttribute && element.hasAttribute("data-reset-after-request")) {
      element.value = "";
    }
  });

  document.addEventListener("htmx:load", function (event) {
    var root = event.detail.elt;
    var toasts = root.classList && root.classList.contains("toast") ? [root] : root.querySelectorAll(".toast");
    Array.prototype.forEach.call(toasts, scheduleRemoval);
  });

  document.addEventListener("click", function (event) {
    var toast = event.target.closest && event.target.closest(".toast");
    if (toast) toast.remove();
  });
})();
