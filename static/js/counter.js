/* The counter: when the service changes, propose its cost as the number of cheques (within what it allows). */
(function () {
  "use strict";
  function sync(select) {
    var option = select.options[select.selectedIndex];
    var count = document.querySelector(select.dataset.countInput || "#id_cheques_count");
    if (!option || !count) { return; }
    var cost = parseInt(option.dataset.cost || "1", 10);
    count.max = cost;
    count.min = option.dataset.adjustable === "1" ? 1 : cost;
    count.value = cost;
    var label = document.querySelector("[data-validate-count]");
    if (label) { label.textContent = cost; }
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[name=service]")) { sync(event.target); }
    if (event.target.matches("input[name=cheques_count]")) {
      var label = document.querySelector("[data-validate-count]");
      if (label) { label.textContent = event.target.value; }
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var select = document.querySelector("select[name=service]");
    if (select) { sync(select); }
  });
})();
