/* Import progress: poll the job's progress JSON and reload when the work is done.
   Without JavaScript the page offers a refresh link instead. */
(function () {
  "use strict";

  var section = document.getElementById("import-progress");
  if (!section) { return; }
  var url = section.getAttribute("data-progress-url");
  var bar = document.getElementById("import-progress-bar");
  var text = document.getElementById("import-progress-text");
  var POLL_MS = 1000;

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) { window.setTimeout(poll, POLL_MS * 3); return; }
        var percent = Math.round((state.progress || 0) * 100);
        bar.value = percent;
        bar.textContent = percent + "%";
        text.textContent = (state.rows || 0).toLocaleString("en-GB") + " rows read (" + percent + "%).";
        if (state.phase === "checking" || state.phase === "importing") {
          window.setTimeout(poll, POLL_MS);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { window.setTimeout(poll, POLL_MS * 3); });
  }

  window.setTimeout(poll, POLL_MS);
}());
