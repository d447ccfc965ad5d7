/* Maps of the lieux directory (Leaflet). Each [data-lieux-map] element names the JSON script that holds
   {lieux: [{id, name, address, lat, lon, url}], origin: {lat, lon, radius_km} | null}.
   Markers are vector circles: they show even when the tile server cannot be reached. */
(function () {
  "use strict";

  function popup(lieu) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = lieu.url;
    link.textContent = lieu.name;
    var address = document.createElement("div");
    address.textContent = lieu.address;
    box.appendChild(link);
    box.appendChild(address);
    return box;
  }

  function draw(element) {
    if (!window.L || element.dataset.ready) { return; }
    element.dataset.ready = "1";
    var data = JSON.parse(document.getElementById(element.dataset.lieuxMap).textContent);
    var map = L.map(element, { scrollWheelZoom: false });
    if (element.dataset.tiles) {
      L.tileLayer(element.dataset.tiles, { maxZoom: 19, attribution: element.dataset.attribution }).addTo(map);
    }
    var bounds = [];
    if (data.origin) {
      L.circle([data.origin.lat, data.origin.lon], {
        radius: data.origin.radius_km * 1000, color: "#e8590c", weight: 1, fill: false, interactive: false
      }).addTo(map);
      bounds.push([data.origin.lat, data.origin.lon]);
    }
    data.lieux.forEach(function (lieu) {
      L.circleMarker([lieu.lat, lieu.lon], {
        radius: 9, color: "#4f1f7c", weight: 2, fillColor: "#6b2fa3", fillOpacity: 0.9, className: "lieu-marker"
      }).bindPopup(popup(lieu)).bindTooltip(lieu.name).addTo(map);
      bounds.push([lieu.lat, lieu.lon]);
    });
    if (bounds.length) {
      map.fitBounds(bounds, { padding: [28, 28], maxZoom: 15 });
    } else {
      map.setView([46.6, 2.4], 5);
    }
  }

  function locate(form) {
    var button = form.querySelector("[data-locate]");
    var status = form.querySelector("[data-locate-status]");
    if (!button || !navigator.geolocation) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = "…";
      navigator.geolocation.getCurrentPosition(function (position) {
        form.querySelector("[name=lat]").value = position.coords.latitude.toFixed(5);
        form.querySelector("[name=lon]").value = position.coords.longitude.toFixed(5);
        form.querySelector("[name=q]").value = "";
        form.submit();
      }, function () {
        status.textContent = button.dataset.error;
      }, { timeout: 10000, maximumAge: 600000 });
    });
  }

  function start() {
    document.querySelectorAll("[data-lieux-map]").forEach(draw);
    var form = document.getElementById("directory-search");
    if (form) {
      locate(form);
      // Typing a new place forgets a previous "around me" position.
      form.querySelector("[name=q]").addEventListener("input", function () {
        form.querySelector("[name=lat]").value = "";
        form.querySelector("[name=lon]").value = "";
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
