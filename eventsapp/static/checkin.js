/* Check-in desk: search as you type, one-tap check-in and undo, live counts.
   Without JavaScript the same forms work as plain GET/POST requests. */
(function () {
  "use strict";

  var desk = document.getElementById("checkin-desk");
  if (!desk) { return; }
  var searchForm = document.getElementById("checkin-search");
  var input = document.getElementById("checkin-q");
  var results = document.getElementById("checkin-results");
  var announcer = document.getElementById("checkin-announcer");
  var countsList = document.getElementById("checkin-counts");
  var searchTimer = null;
  var searchSequence = 0;
  var POLL_MS = 5000;

  function announce(message) {
    // Clearing first makes screen readers repeat an identical message.
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = message; }, 50);
  }

  function updateCounts(counts) {
    if (!counts) { return; }
    countsList.querySelectorAll("[data-count]").forEach(function (element) {
      var value = counts[element.getAttribute("data-count")];
      if (typeof value === "number") { element.textContent = value.toLocaleString("en-GB"); }
    });
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      });
  }

  function runSearch() {
    var sequence = ++searchSequence;
    var query = input.value.trim();
    var url = new URL(searchForm.getAttribute("data-search-url"), window.location.href);
    url.searchParams.set("q", query);
    getJSON(url).then(function (data) {
      if (sequence !== searchSequence) { return; } // a newer search has been sent
      results.innerHTML = data.html; // rendered (and escaped) by the server's template
      var found = data.results.length;
      announce(found === 0 ? "No one found." : found + (found === 1 ? " person found." : " people found."));
      var pageUrl = new URL(window.location.href);
      if (query) { pageUrl.searchParams.set("q", query); } else { pageUrl.searchParams.delete("q"); }
      window.history.replaceState(null, "", pageUrl);
    }).catch(function () {
      announce("Search failed. Check the connection and try again.");
    });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(searchTimer);
    searchTimer = window.setTimeout(runSearch, 200);
  });
  searchForm.addEventListener("submit", function (event) {
    event.preventDefault();
    window.clearTimeout(searchTimer);
    runSearch();
  });

  results.addEventListener("submit", function (event) {
    var form = event.target.closest("form.js-checkin-action");
    if (!form) { return; }
    event.preventDefault();
    var button = form.querySelector("button");
    button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json();
    }).then(function (data) {
      var item = document.getElementById("registration-" + data.registration_id);
      if (item) {
        item.outerHTML = data.html;
        var replaced = document.getElementById("registration-" + data.registration_id);
        var next = replaced && replaced.querySelector("button");
        if (next) { next.focus(); }
      }
      updateCounts(data.counts);
      announce(data.message);
    }).catch(function () {
      button.disabled = false;
      announce("That did not go through. Check the connection and try again.");
    });
  });

  function pollCounts() {
    if (document.hidden) { return; }
    getJSON(countsList.getAttribute("data-url")).then(updateCounts).catch(function () { /* next poll */ });
  }
  window.setInterval(pollCounts, POLL_MS);
}());
