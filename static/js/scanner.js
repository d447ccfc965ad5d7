/*
 * Reads a QR code with the device's camera and hands its text to a form.
 * Uses the browser's own BarcodeDetector where it exists, the vendored jsQR library otherwise.
 *
 * Markup: <div data-qr-scanner data-qr-input="#id_qr" data-qr-form="#lookup-form">
 *           <video playsinline muted></video><p data-qr-status></p><button data-qr-start>…</button></div>
 */
(function () {
  "use strict";

  function decoderFor(canvas) {
    if ("BarcodeDetector" in window) {
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      return function (video) {
        return detector.detect(video).then(function (codes) { return codes.length ? codes[0].rawValue : null; });
      };
    }
    var context = canvas.getContext("2d", { willReadFrequently: true });
    return function (video) {
      var width = video.videoWidth, height = video.videoHeight;
      if (!width || !height) { return Promise.resolve(null); }
      canvas.width = width; canvas.height = height;
      context.drawImage(video, 0, 0, width, height);
      var image = context.getImageData(0, 0, width, height);
      var found = window.jsQR(image.data, width, height, { inversionAttempts: "dontInvert" });
      return Promise.resolve(found ? found.data : null);
    };
  }

  function start(root) {
    var video = root.querySelector("video");
    var status = root.querySelector("[data-qr-status]");
    var input = document.querySelector(root.dataset.qrInput);
    var form = document.querySelector(root.dataset.qrForm);
    var canvas = document.createElement("canvas");
    var say = function (text) { if (status) { status.textContent = text; } };

    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      say(root.dataset.msgUnsupported || "");
      return;
    }
    say(root.dataset.msgStarting || "");
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        return video.play().then(function () { return stream; });
      })
      .then(function (stream) {
        say(root.dataset.msgScanning || "");
        var decode = decoderFor(canvas);
        var stopped = false;
        var tick = function () {
          if (stopped) { return; }
          decode(video).then(function (text) {
            if (text) {
              stopped = true;
              stream.getTracks().forEach(function (track) { track.stop(); });
              video.hidden = true;
              say(root.dataset.msgFound || "");
              input.value = text;
              form.requestSubmit ? form.requestSubmit() : form.submit();
            } else {
              window.setTimeout(tick, 150);
            }
          }).catch(function () { window.setTimeout(tick, 300); });
        };
        tick();
      })
      .catch(function () { say(root.dataset.msgDenied || ""); });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-qr-start]");
    if (!button) { return; }
    event.preventDefault();
    start(button.closest("[data-qr-scanner]"));
  });
})();
