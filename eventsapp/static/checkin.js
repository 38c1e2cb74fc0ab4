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

  // --- the result list, built from search.json (mirrors templates/checkin/_result(s).html) ---

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; } // text, never HTML: names are not markup
    return node;
  }

  function actionForm(person, query, action) {
    var form = element("form", "js-checkin-action");
    form.method = "post";
    form.action = results.getAttribute("data-action-base") + "/" + person.id + "/" + action;
    [["csrf_token", results.getAttribute("data-csrf")], ["q", query]].forEach(function (pair) {
      var hidden = element("input");
      hidden.type = "hidden";
      hidden.name = pair[0];
      hidden.value = pair[1] || "";
      form.appendChild(hidden);
    });
    var undo = action === "undo";
    var button = element("button", undo ? "btn btn-outline-secondary w-100" : "btn btn-success btn-lg w-100",
                         undo ? "Undo check-in" : "Check in");
    button.type = "submit";
    button.appendChild(element("span", "visually-hidden", (undo ? " of " : " ") + person.name));
    form.appendChild(button);
    return form;
  }

  function resultItem(person, query) {
    var checkedIn = person.checked_in_at !== null && person.checked_in_at !== undefined;
    var item = element("li", "card mb-2" + (checkedIn ? " border-success" : ""));
    item.id = "registration-" + person.id;
    var body = element("div", "card-body p-3");
    var top = element("div", "d-flex flex-wrap justify-content-between align-items-start gap-2");
    var who = element("div");
    who.appendChild(element("h3", "h5 mb-1", person.name));
    who.appendChild(element("p", "mb-1 text-body-secondary", person.organisation || "Attending as an individual"));
    top.appendChild(who);
    if (checkedIn) {
      top.appendChild(element("span", "badge text-bg-success", "Checked in " + person.checked_in_at));
    } else if (person.status === "waitlisted") {
      top.appendChild(element("span", "badge text-bg-warning", "Waitlisted"));
    }
    body.appendChild(top);
    if (person.access_requirements) {
      var needs = element("p", "mb-2 small");
      needs.appendChild(element("strong", null, "Access needs:"));
      needs.appendChild(document.createTextNode(" " + person.access_requirements));
      body.appendChild(needs);
    }
    if (checkedIn) {
      body.appendChild(actionForm(person, query, "undo"));
    } else if (person.status === "confirmed") {
      body.appendChild(actionForm(person, query, "check-in"));
    } else {
      body.appendChild(element("p", "mb-0 small", "On the waitlist, not confirmed. If there is room, add them as a walk-in."));
    }
    item.appendChild(body);
    return item;
  }

  function emptyState(lines) {
    var box = element("div", "empty-state rounded p-3 mb-2");
    lines.forEach(function (line, index) {
      box.appendChild(element("p", index === lines.length - 1 ? "mb-0" + (index ? " small" : "") : "mb-1", line));
    });
    return box;
  }

  function renderResults(data) {
    var nodes = [];
    if (data.results.length) {
      var list = element("ul", "list-unstyled mb-2");
      data.results.forEach(function (person) { list.appendChild(resultItem(person, data.query)); });
      nodes.push(list);
      if (data.results.length >= data.limit) {
        nodes.push(element("p", "small text-body-secondary", "Showing the first " + data.results.length +
                           " by surname. Type more of a name to narrow the list."));
      }
    } else if (data.query) {
      nodes.push(emptyState(["No one matches \u201c" + data.query + "\u201d.",
                             "Try part of their surname, organisation or email, or add them as a walk-in."]));
    } else {
      nodes.push(emptyState(["No one has registered for this event yet. Add people who arrive as walk-ins."]));
    }
    results.replaceChildren.apply(results, nodes);
  }

  function runSearch() {
    var sequence = ++searchSequence;
    var query = input.value.trim();
    var url = new URL(searchForm.getAttribute("data-search-url"), window.location.href);
    url.searchParams.set("q", query);
    getJSON(url).then(function (data) {
      if (sequence !== searchSequence) { return; } // a newer search has been sent
      renderResults(data);
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
