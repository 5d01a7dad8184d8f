/* Forms: the error summary (GOV.UK's pattern) takes the focus when a page or an htmx swap shows it, so a
   screen reader reads the errors first; its links move the focus to the field they name. The CSP allows no
   inline script, so this file is all of it. */
(function () {
  "use strict";

  function focusSummary(root) {
    var summary = (root || document).querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusSummary(document);
  });

  // After htmx swapped a form back in with its errors (into its area, innerHTML): focus that form's summary.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = (event.detail && event.detail.target) || event.target;
    if (target && target.querySelector) {
      focusSummary(target);
    }
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-error-summary] a[data-field]") : null;
    if (!link) {
      return;
    }
    var field = document.getElementById(link.getAttribute("data-field"));
    if (!field) {
      return;
    }
    event.preventDefault();
    // Show the field's label above it too, as a fragment jump alone would hide it under the top edge.
    var label = document.querySelector("label[for='" + field.id + "']");
    (label || field).scrollIntoView();
    field.focus({ preventScroll: true });
  });
})();
