/* Register a household: tap the map or use the phone's location to fill the hidden lat/lon
   fields (RedGridMap.pointPicker); the grid the point lies in is shown (grids API "locate").
   Without JavaScript the map stays hidden and the area grid field does the job. */
(function () {
  "use strict";
  if (!window.RedGridMap) { return; }

  function where(lat, lon, picker) {
    var el = picker.el, status = picker.status, t = picker.t;
    var url = el.getAttribute("data-locate-url") + "?lon=" + lon.toFixed(6) + "&lat=" + lat.toFixed(6);
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (res) {
        status.textContent = res.inside ? t.inGrid + " " + res.grid.name + (res.subgrid ? " · " + res.subgrid.name : "") : t.outside;
        el.setAttribute("data-located", res.inside ? res.grid.code : "outside");
      })
      .catch(function () { status.textContent = t.chosen; });
  }

  RedGridMap.pointPicker("hh", { zoom: 16, onPlace: where });
})();
