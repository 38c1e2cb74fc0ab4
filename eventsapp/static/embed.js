// eventsapp's embeddable event list. On your website:
//   <script src="https://EVENTSAPP/embed.js" data-organisation="12" async></script>
// (or data-programme="3"). It inserts an iframe showing the upcoming events after the script
// tag and keeps it as tall as the list (the list posts its height to this page).
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) {
    return;
  }
  var origin = new URL(script.src, document.baseURI).origin;
  var organisation = script.getAttribute("data-organisation");
  var programme = script.getAttribute("data-programme");
  var path;
  if (organisation && /^[0-9]{1,10}$/.test(organisation)) {
    path = "/embed/organisations/" + organisation + "/events";
  } else if (programme && /^[0-9]{1,10}$/.test(programme)) {
    path = "/embed/programmes/" + programme + "/events";
  } else {
    return;
  }
  var frame = document.createElement("iframe");
  frame.src = origin + path;
  frame.title = script.getAttribute("data-title") || "Upcoming events";
  frame.setAttribute("loading", "lazy");
  frame.style.width = "100%";
  frame.style.minHeight = "12rem";
  frame.style.border = "0";
  frame.style.display = "block";
  script.parentNode.insertBefore(frame, script.nextSibling);
  window.addEventListener("message", function (event) {
    if (event.origin !== origin || event.source !== frame.contentWindow) {
      return;
    }
    var data = event.data;
    if (data && data.type === "eventsapp:height" && typeof data.height === "number" &&
        data.height > 0 && data.height < 100000) {
      frame.style.height = Math.ceil(data.height) + "px";
    }
  });
})();
