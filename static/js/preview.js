// The progress page of a long preview (reports/previews.py): asks the render's status every
// second and a half, shows it, and opens the PDF (the page's own address) once it is ready, or
// once it failed (that address then explains why). Without JavaScript the page reloads itself.
(function () {
  "use strict";
  var box = document.querySelector("[data-preview-status]");
  if (!box || !window.fetch) { return; }
  var message = box.querySelector("[data-preview-message]");
  var errors = 0;
  function open() { window.location.replace(box.getAttribute("data-preview-pdf")); }
  function poll() {
    fetch(box.getAttribute("data-preview-status"), {
      credentials: "same-origin", cache: "no-store", redirect: "error", headers: {"Accept": "application/json"}
    }).then(function (response) {
      if (response.status === 404) { return {state: "gone"}; }
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (data) {
      errors = 0;
      if (data.message && message) { message.textContent = data.message; }
      if (data.state === "queued" || data.state === "running") {
        window.setTimeout(poll, 1500);
      } else {
        open();
      }
    }).catch(function () {
      errors += 1;
      if (errors >= 3) { open(); } else { window.setTimeout(poll, 3000); }
    });
  }
  window.setTimeout(poll, 1000);
})();
