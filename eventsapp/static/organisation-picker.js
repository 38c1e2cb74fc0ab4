// Organisation pick-lists (an event's co-hosts, a story's organisations involved) as a type-ahead.
//
// Progressive enhancement of a <select multiple data-organisation-search="URL">: without JavaScript the
// plain list works as it always did. With it, the list is hidden (it still holds what is chosen, and is
// what the form sends) and replaced by an editable combobox with a listbox popup (WAI-ARIA APG pattern):
// type two or more letters, move with the arrow keys, choose with Enter, close with Escape. Chosen
// organisations are buttons ("Remove …"); counts and changes are announced through a live region.
// The server still checks every id sent (a wrong one comes back with a message at the field).
(function () {
  "use strict";

  var MIN_LENGTH = 2;
  var DELAY = 200;
  var HINT = "Type at least two letters of a name, then choose with the arrow keys and Enter. " +
             "Escape closes the list.";

  function make(tag, attributes, text) {
    var element = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { element.setAttribute(name, attributes[name]); });
    if (text) { element.textContent = text; }
    return element;
  }

  function plural(count, one, many) { return count + " " + (count === 1 ? one : many); }

  function enhance(select) {
    var url = select.getAttribute("data-organisation-search");
    var id = select.id;
    var label = document.querySelector("label[for='" + id + "']");
    var labelText = label ? label.textContent.trim() : "Organisations";
    var hint = document.getElementById(id + "-hint");

    var wrapper = make("div", { "class": "org-picker" });
    var chips = make("ul", { "class": "org-picker-chips list-unstyled",
                             "id": id + "-chosen", "aria-label": labelText + ": chosen" });
    var field = make("div", { "class": "org-picker-field" });
    var input = make("input", {
      "type": "text", "id": id + "-search", "class": "form-control", "role": "combobox",
      "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": id + "-listbox",
      "autocomplete": "off", "spellcheck": "false"
    });
    var describedBy = select.getAttribute("aria-describedby");
    if (describedBy) { input.setAttribute("aria-describedby", describedBy); }
    if (select.getAttribute("aria-invalid")) { input.setAttribute("aria-invalid", "true"); input.classList.add("is-invalid"); }
    var listbox = make("ul", { "id": id + "-listbox", "role": "listbox", "class": "org-picker-listbox list-unstyled",
                               "aria-label": labelText + ": matching organisations" });
    listbox.hidden = true;
    var empty = make("p", { "class": "org-picker-empty form-text mb-0", "aria-hidden": "true" });
    empty.hidden = true;
    var status = make("div", { "class": "visually-hidden", "role": "status", "aria-live": "polite",
                               "id": id + "-status" });

    field.appendChild(input);
    field.appendChild(listbox);
    field.appendChild(empty);
    wrapper.appendChild(chips);
    wrapper.appendChild(field);
    wrapper.appendChild(status);
    select.hidden = true;
    select.setAttribute("tabindex", "-1");
    select.parentNode.insertBefore(wrapper, select.nextSibling);
    if (label) { label.setAttribute("for", input.id); }
    if (hint) { hint.textContent = HINT; }

    var results = [];   // [{id, name}] shown in the listbox
    var active = -1;    // index of the highlighted option
    var timer = null;
    var sequence = 0;   // answers to older requests are dropped

    function announce(text) {
      // A change of text is what screen readers announce; clear first so a repeat is read again.
      status.textContent = "";
      window.setTimeout(function () { status.textContent = text; }, 50);
    }

    function chosenOption(value) {
      return Array.prototype.find.call(select.options, function (o) { return o.value === String(value); });
    }

    function isChosen(value) {
      var option = chosenOption(value);
      return Boolean(option && option.selected);
    }

    function renderChips() {
      chips.replaceChildren();
      Array.prototype.forEach.call(select.selectedOptions, function (option) {
        var item = make("li");
        var button = make("button", { "type": "button", "class": "btn btn-sm btn-outline-secondary org-picker-chip",
                                      "aria-label": "Remove " + option.text, "data-value": option.value });
        button.appendChild(document.createTextNode(option.text + " "));
        button.appendChild(make("span", { "aria-hidden": "true" }, "×"));
        item.appendChild(button);
        chips.appendChild(item);
      });
      chips.hidden = select.selectedOptions.length === 0;
    }

    function close() {
      listbox.hidden = true;
      empty.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var options = listbox.querySelectorAll("[role='option']");
      if (!options.length) { return; }
      active = (index + options.length) % options.length;
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === active ? "true" : "false");
        option.classList.toggle("active", i === active);
      });
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    }

    function show(data) {
      results = (data.organisations || []).filter(function (o) { return !isChosen(o.id); });
      listbox.replaceChildren();
      active = -1;
      input.removeAttribute("aria-activedescendant");
      results.forEach(function (organisation, i) {
        var option = make("li", { "role": "option", "id": id + "-option-" + organisation.id,
                                  "aria-selected": "false", "class": "org-picker-option" }, organisation.name);
        option.addEventListener("mousedown", function (event) { event.preventDefault(); });  // keep focus
        option.addEventListener("click", function () { pick(i); });
        listbox.appendChild(option);
      });
      var total = data.total || 0;
      var message;
      if (!results.length) {
        // An empty listbox is never shown (a listbox must hold options): the words say why instead.
        message = total ? "Every organisation found is chosen already."
                        : "No organisation found. Check the spelling, or type less of the name.";
        close();
        empty.textContent = message;
        empty.hidden = false;
      } else {
        if (data.more) {
          message = "The first " + plural(results.length, "organisation", "organisations") + " of " + total +
                    " found: type more of the name to narrow them. Use the arrow keys to choose.";
        } else {
          message = plural(results.length, "organisation", "organisations") + " found. Use the arrow keys to choose.";
        }
        empty.hidden = true;
        listbox.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
      announce(message);
    }

    function search() {
      var query = input.value.trim();
      var mine = ++sequence;
      if (query.length < MIN_LENGTH) { close(); return; }
      fetch(url + "?q=" + encodeURIComponent(query), { headers: { "Accept": "application/json" },
                                                       credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (data) { if (mine === sequence && input.value.trim() === query) { show(data); } })
        .catch(function () {
          if (mine === sequence) { close(); announce("Searching failed. Try again, or reload the page."); }
        });
    }

    function pick(index) {
      var organisation = results[index];
      if (!organisation) { return; }
      var option = chosenOption(organisation.id);
      if (!option) {
        option = new Option(organisation.name, String(organisation.id));
        select.appendChild(option);
      }
      option.selected = true;
      renderChips();
      input.value = "";
      close();
      input.focus();
      announce("Added " + organisation.name + ". " + plural(select.selectedOptions.length, "organisation", "organisations") + " chosen.");
    }

    chips.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-value]");
      if (!button) { return; }
      var option = chosenOption(button.getAttribute("data-value"));
      if (!option) { return; }
      option.selected = false;
      var buttons = Array.prototype.slice.call(chips.querySelectorAll("button"));
      var position = buttons.indexOf(button);
      renderChips();
      var rest = chips.querySelectorAll("button");
      (rest[Math.min(position, rest.length - 1)] || input).focus();
      announce("Removed " + option.text + ". " + plural(select.selectedOptions.length, "organisation", "organisations") + " chosen.");
    });

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, DELAY);
    });

    input.addEventListener("keydown", function (event) {
      var open = !listbox.hidden;
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (open) { highlight(active + 1); } else if (input.value.trim().length >= MIN_LENGTH) { search(); }
          break;
        case "ArrowUp":
          event.preventDefault();
          if (open) { highlight(active < 0 ? -1 : active - 1); }
          break;
        case "Enter":
          // Enter chooses; it never sends the form from here while a name is being typed.
          if (open || input.value.trim()) { event.preventDefault(); }
          if (open && active >= 0) { pick(active); }
          break;
        case "Escape":
          if (open) { event.preventDefault(); close(); } else if (input.value) { event.preventDefault(); input.value = ""; }
          break;
        case "Tab":
          close();
          break;
        default:
          break;
      }
    });

    input.addEventListener("blur", function () { window.setTimeout(close, 150); });

    renderChips();
  }

  document.querySelectorAll("select[multiple][data-organisation-search]").forEach(enhance);
})();
