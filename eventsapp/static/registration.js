// Registration pages: organisation type-ahead (a <datalist>) and confirmation of destructive buttons
// (the error summary's focus is static/forms.js's, on every page).
(function () {
  "use strict";

  function setUpTypeAhead(input) {
    var list = document.getElementById("organisation-options");
    if (!list) { return; }
    input.setAttribute("list", list.id);
    var url = input.getAttribute("data-organisation-lookup");
    var timer = null;
    var lastQuery = "";
    input.addEventListener("input", function () {
      var query = input.value.trim();
      if (query.length < 2 || query === lastQuery) { return; }
      lastQuery = query;
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        fetch(url + "?q=" + encodeURIComponent(query), { headers: { "Accept": "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { organisations: [] }; })
          .then(function (data) {
            list.replaceChildren();
            (data.organisations || []).forEach(function (name) {
              var option = document.createElement("option");
              option.value = name;
              list.appendChild(option);
            });
          })
          .catch(function () { /* the field still works as plain text */ });
      }, 200);
    });
  }

  document.querySelectorAll("input[data-organisation-lookup]").forEach(setUpTypeAhead);

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
})();
