/* A job run in the background (an import, a file being prepared): poll its progress JSON, move the
   bar, and reload the page when the job is no longer running, so the page shows its outcome.
   Without JavaScript the page offers a reload link instead.

   The page's element says what to poll and how to read the answer:
     data-progress-url      the job's progress JSON ({progress: 0..1, rows?, and its state})
     data-progress-state    the JSON field that holds the job's state ("phase", "status")
     data-progress-running  the states, space-separated, in which it is still running
   Inside it, the <progress> bar is moved; an element with data-progress-text (optional) is
   rewritten from that template, where {percent} and {rows} stand for the figures. */
(function () {
  "use strict";

  var POLL_MS = 1000;

  function follow(section) {
    var url = section.getAttribute("data-progress-url");
    var field = section.getAttribute("data-progress-state");
    var running = (section.getAttribute("data-progress-running") || "").split(/\s+/);
    var bar = section.querySelector("progress");
    var text = section.querySelector("[data-progress-text]");

    function show(state) {
      var percent = Math.round((state.progress || 0) * 100);
      bar.value = percent;
      bar.textContent = percent + "%";
      if (text) {
        text.textContent = text.getAttribute("data-progress-text")
          .replace("{percent}", percent)
          .replace("{rows}", (state.rows || 0).toLocaleString("en-GB"));
      }
    }

    function poll() {
      fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (state) {
          if (!state) { window.setTimeout(poll, POLL_MS * 3); return; }
          show(state);
          if (running.indexOf(state[field]) >= 0) {
            window.setTimeout(poll, POLL_MS);
          } else {
            window.location.reload();
          }
        })
        .catch(function () { window.setTimeout(poll, POLL_MS * 3); });
    }

    window.setTimeout(poll, POLL_MS);
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-progress-url]"), follow);
}());
