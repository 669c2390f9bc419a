// Event form: an all-day event has no times, so the time fields step aside while the box is
// checked. Without JavaScript both stay visible and the server ignores the times.
(function () {
  "use strict";
  var allDay = document.getElementById("all_day");
  if (!allDay) { return; }
  var timeFields = ["start_time", "end_time"].map(function (id) {
    var input = document.getElementById(id);
    return input && input.closest(".field");
  }).filter(Boolean);
  function sync() {
    timeFields.forEach(function (field) { field.hidden = allDay.checked; });
  }
  allDay.addEventListener("change", sync);
  sync();
})();

// "Mon agenda": "Tous les types d'événements" ticks every kind, and stays ticked only while every
// kind is. Without JavaScript the server reads the box as "every kind" all the same.
(function () {
  "use strict";
  var all = document.getElementById("all_kinds");
  var list = document.getElementById("kind_ids");
  if (!all || !list) { return; }
  var kinds = Array.prototype.slice.call(list.querySelectorAll("input[type=checkbox]"));
  all.addEventListener("change", function () {
    kinds.forEach(function (box) { box.checked = all.checked; });
  });
  kinds.forEach(function (box) {
    box.addEventListener("change", function () {
      all.checked = kinds.every(function (k) { return k.checked; });
    });
  });
})();

// "Copier l'adresse": the calendar address goes to the clipboard in one click, and the page says
// so. Without JavaScript (or a clipboard) the button stays hidden: the field can be selected.
(function () {
  "use strict";
  var button = document.querySelector("[data-copy-from]");
  if (!button || !navigator.clipboard) { return; }
  var field = document.getElementById(button.getAttribute("data-copy-from"));
  var status = button.parentNode.querySelector(".copy-status");
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(field.value).then(function () {
      status.textContent = button.getAttribute("data-copied");
    }, function () {
      field.select();
    });
  });
})();
