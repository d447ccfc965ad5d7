/* A QR code opens the balance page with the number and code in the URL fragment (never sent to the server):
   fill the form, forget the fragment, check at once. */
(function () {
  "use strict";
  var hash = window.location.hash.replace(/^#/, "");
  if (!hash) { return; }
  var params = new URLSearchParams(hash);
  var form = document.getElementById("balance-form");
  if (!form || !params.get("n") || !params.get("c")) { return; }
  form.elements.number.value = params.get("n");
  form.elements.code.value = params.get("c");
  history.replaceState(null, "", window.location.pathname);
  form.submit();
})();
