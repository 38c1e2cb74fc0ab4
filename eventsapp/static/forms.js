// Every page: a form's error summary (templates/_partials/_form.html, error_summary) takes focus when
// the page loads, so a screen reader reads it first; each of its links moves focus to its field.
(function () {
  "use strict";

  var summary = document.getElementById("error-summary");
  if (!summary) { return; }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) { return; }
    var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!target) { return; }
    event.preventDefault();
    // A group of radio buttons or checkboxes: its first option.
    if (target.matches("fieldset, ul, div")) {
      target = target.querySelector("input, select, textarea") || target;
    }
    // A field a script has hidden behind another control (a type-ahead over a list): the control
    // shown in its place, in the same field.
    if (target.getClientRects().length === 0) {
      var field = target.closest(".mb-3, fieldset");
      var shown = field && Array.prototype.find.call(field.querySelectorAll("input, select, textarea"),
        function (control) { return control.type !== "hidden" && control.getClientRects().length > 0; });
      if (shown) { target = shown; }
    }
    var label = target.id ? document.querySelector("label[for='" + target.id + "']") : null;
    (label || target).scrollIntoView({ block: "center" });
    target.focus({ preventScroll: true });
    if (window.history && window.history.replaceState) { window.history.replaceState(null, "", link.getAttribute("href")); }
  });
})();
