/* What every page does, in a file: the Content-Security-Policy allows no inline script nor event handler.
   Loaded in <head>, not deferred: the listeners sit on the document before any form exists.
   - form[data-confirm]: asks before an irreversible action; "Annuler" leaves the page as it was.
   - select[data-autosubmit]: choosing an option submits its form (language, organisation, lieu). */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation(); // nor HTMX nor anything else sends it
    }
  }, true);
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.matches && select.matches("select[data-autosubmit]") && select.form) {
      select.form.submit();
    }
  });
})();
