// The import page's paste box (templates/imports/upload.html): a table copied from Word, Excel or
// LibreOffice comes with HTML (merged cells, paragraphs) and tab-separated text. The box keeps the
// text (what the server reads without this script); the HTML goes in the hidden field beside it.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    var box = document.querySelector("[data-paste-target]");
    var hidden = document.querySelector("[data-paste-html]");
    var status = document.querySelector("[data-paste-status]");
    if (!box || !hidden) { return; }
    box.addEventListener("paste", function (event) {
      var data = event.clipboardData || window.clipboardData;
      if (!data) { return; }
      var html = data.getData("text/html") || "";
      hidden.value = /<table/i.test(html) ? html : "";
      if (status) { status.textContent = hidden.value ? (status.getAttribute("data-found") || "") : ""; }
    });
    box.addEventListener("input", function () {
      if (!box.value.trim()) { hidden.value = ""; if (status) { status.textContent = ""; } }
    });
  });
})();
