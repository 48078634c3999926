/* Resident form: tap the map or use the phone's location to fill the hidden lat/lon fields
   (RedGridMap.pointPicker). Without JavaScript the map stays hidden and the community + address
   fields do the job. */
(function () {
  "use strict";
  if (!window.RedGridMap) { return; }
  RedGridMap.pointPicker("rq", {
    zoom: 15,
    onPlace: function (lat, lon, picker) { picker.el.setAttribute("data-picked", "true"); }
  });
})();
