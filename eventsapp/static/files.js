/* A file prepared in the background: poll the job's progress JSON and reload when it has ended.
   Without JavaScript the page offers a reload link instead. */
(function () {
  "use strict";

  var section = document.getElementById("file-progress");
  if (!section) { return; }
  var url = section.getAttribute("data-progress-url");
  var bar = document.getElementById("file-progress-bar");
  var POLL_MS = 1000;

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) { window.setTimeout(poll, POLL_MS * 3); return; }
        var percent = Math.round((state.progress || 0) * 100);
        bar.value = percent;
        bar.textContent = percent + "%";
        if (state.status === "pending" || state.status === "running") {
          window.setTimeout(poll, POLL_MS);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { window.setTimeout(poll, POLL_MS * 3); });
  }

  window.setTimeout(poll, POLL_MS);
}());
