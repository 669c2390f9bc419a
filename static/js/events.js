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
