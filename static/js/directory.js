// Progressive enhancement: the "Imprimer" button exists only when JavaScript can print.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
