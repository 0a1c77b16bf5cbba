// Live length of the admin's long texts (programs/admin_program_form.py). The server writes the count as help text
// ("12 / 300자") with its pattern in data-format; this keeps it up to date while typing. Without JavaScript the
// server's count and the text area's maxlength still hold.
"use strict";
(function () {
  function watch(area) {
    var shown = document.getElementById(area.id + "_count");
    if (!shown || !shown.dataset.format || area.dataset.charCountWatched) {
      return;
    }
    area.dataset.charCountWatched = "1";
    function update() {
      // Characters as the server counts them: code points, a line break as one.
      var n = Array.from(area.value.replace(/\r\n/g, "\n")).length;
      shown.textContent = shown.dataset.format.replace("%(n)s", n.toLocaleString("en-US"));
    }
    area.addEventListener("input", update);
    update();
  }
  function within(root) {
    root.querySelectorAll("textarea[data-char-count]").forEach(watch);
  }
  document.addEventListener("formset:added", function (event) {
    within(event.target);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      within(document);
    });
  } else {
    within(document);
  }
})();
