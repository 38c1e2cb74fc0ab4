// Inside the embedded event list: tell the page that frames it how tall the list is, so
// /embed.js can size the iframe (no scroll bar inside). The height is not a secret: any origin.
(function () {
  "use strict";
  if (window.parent === window) {
    return;
  }
  var last = 0;
  function post() {
    var height = Math.ceil(document.documentElement.scrollHeight);
    if (height !== last) {
      last = height;
      window.parent.postMessage({ type: "eventsapp:height", height: height }, "*");
    }
  }
  window.addEventListener("load", post);
  if ("ResizeObserver" in window) {
    new ResizeObserver(post).observe(document.body);
  }
  post();
})();
