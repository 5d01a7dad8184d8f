/* The estates' map (templates/includes/estate_map.html): Leaflet from our own static files. Each estate with a
   location is a marker (its name, housing association and approval in a popup; reachable by Tab, opened with
   Enter) and, where known, its outline. Without a configured tile source nothing is fetched: the estates are
   drawn on a plain background inside the area's outline (the box around them all). No inline script (CSP). */
(function () {
  "use strict";

  function readJson(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function popupContent(row) {
    var box = document.createElement("div");
    var name = document.createElement("strong");
    name.textContent = row.name;
    box.appendChild(name);
    if (row.association) {
      box.appendChild(document.createElement("br"));
      box.appendChild(document.createTextNode(row.association));
    }
    box.appendChild(document.createElement("br"));
    box.appendChild(document.createTextNode(row.status));
    return box;
  }

  function draw(container) {
    var rows = readJson(container.getAttribute("data-estate-map")) || [];
    var config = readJson(container.getAttribute("data-estate-map-config")) || {};
    if (!window.L || rows.length === 0) {
      return;
    }
    var L = window.L;
    L.Icon.Default.imagePath = config.imagePath;
    // No fading: a popup is read (and checked for contrast) as soon as it opens.
    var map = L.map(container, { scrollWheelZoom: false, zoomSnap: 0.25, fadeAnimation: false });
    if (config.tiles) {
      L.tileLayer(config.tiles, {
        attribution: config.attribution,
        referrerPolicy: config.referrerPolicy,
        maxZoom: 19,
      }).addTo(map);
    } else {
      container.classList.add("estate-map-plain");
    }
    var bounds = L.latLngBounds([]);
    rows.forEach(function (row) {
      bounds.extend([row.lat, row.lon]);
      (row.outline || []).forEach(function (point) {
        bounds.extend([point[1], point[0]]);
      });
    });
    if (!config.tiles) {
      // The area's outline: the box around every estate, on the plain background.
      L.rectangle(bounds.pad(0.15), { color: "#6c757d", weight: 1, dashArray: "6 4", fill: false, interactive: false }).addTo(map);
    }
    rows.forEach(function (row) {
      if (row.outline) {
        L.polygon(
          row.outline.map(function (point) { return [point[1], point[0]]; }),
          { color: "#0d6efd", weight: 1, fillOpacity: 0.2, interactive: false }
        ).addTo(map);
      }
      var marker = L.marker([row.lat, row.lon], {
        alt: row.name + " (" + row.status + ")",
        title: row.name,
        keyboard: true,
        riseOnHover: true,
      });
      marker.bindPopup(popupContent(row));
      marker.addTo(map);
      var icon = marker.getElement();
      if (icon) {
        icon.setAttribute("data-estate", String(row.id));
      }
    });
    map.fitBounds(bounds.pad(0.25), { maxZoom: 16 });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-estate-map]").forEach(draw);
  });
})();
