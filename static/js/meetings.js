// Date poll form: "copy the times of the first day" onto every other row that has a date.
// Without JavaScript the server does the same with the "Reprendre les horaires" checkbox.
document.addEventListener("DOMContentLoaded", function () {
  var button = document.querySelector("[data-copy-first-times]");
  if (!button) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    var rows = document.querySelectorAll(".slots-table tbody tr");
    if (!rows.length) { return; }
    var first = rows[0].querySelectorAll("input");
    var start = first[1].value, end = first[2].value;
    if (!start || !end) { first[1].focus(); return; }
    for (var i = 1; i < rows.length; i++) {
      var inputs = rows[i].querySelectorAll("input");
      if (inputs[0].value) {
        inputs[1].value = start;
        inputs[2].value = end;
      }
    }
  });
});
