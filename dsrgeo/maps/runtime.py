"""dsrgeo's own small browser runtime (JS + CSS), inlined once into every page after Leaflet.

It draws vector layers from a compact spec (style table, pre-escaped property values), keeps a
registry ``window.dsrgeo.maps[<map name>]`` that tests and users can inspect (features in the
data, features drawn, features visible), toggles legend sections with the layer control, and
steps layers through the years for the slider. All strings it puts into HTML were escaped in
Python (:mod:`dsrgeo.maps.vector`); the JS never reads raw data into ``innerHTML``.
"""

__all__ = ["RUNTIME_CSS", "RUNTIME_JS"]

RUNTIME_CSS = """
.dsrgeo-map{background:#dbe7f0;font:13px/1.35 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
.dsrgeo-box{background:rgba(255,255,255,.93);padding:6px 9px;border-radius:5px;
 box-shadow:0 1px 4px rgba(0,0,0,.3);color:#222;max-width:300px}
.dsrgeo-title{position:absolute;top:10px;left:50%;transform:translateX(-50%);z-index:1000;
 font-size:16px;font-weight:600;pointer-events:none;max-width:60%;text-align:center}
.dsrgeo-legend{max-height:55vh;overflow-y:auto}
.dsrgeo-legend summary,.dsrgeo-sources summary{cursor:pointer;font-weight:600;font-size:12px}
.dsrgeo-legend h4{margin:6px 0 3px;font-size:12px}
.dsrgeo-legend h4:first-child{margin-top:0}
.dsrgeo-row{display:flex;align-items:center;gap:6px;font-size:12px;margin:1px 0}
.dsrgeo-sw{display:inline-block;flex:none;width:18px;height:12px;border:1px solid rgba(0,0,0,.35)}
.dsrgeo-sw.line{height:0;border:0;border-top:3px solid;margin:5px 0}
.dsrgeo-sw.point{width:10px;height:10px;border-radius:50%;margin:0 4px}
.dsrgeo-ramp{height:10px;width:170px;border:1px solid rgba(0,0,0,.35)}
.dsrgeo-ramp-labels{display:flex;justify-content:space-between;width:172px;font-size:11px}
.dsrgeo-sources{max-width:420px;font-size:11px}
.dsrgeo-sources li{margin:2px 0}
.dsrgeo-slider{font-size:12px}
.dsrgeo-slider input{width:220px;vertical-align:middle}
.dsrgeo-slider output{display:inline-block;min-width:3em;font-weight:600;text-align:right}
.dsrgeo-tip th{text-align:left;padding-right:8px;font-weight:600;vertical-align:top}
.dsrgeo-tip td{max-width:280px;white-space:normal}
.dsrgeo-map .leaflet-control-attribution{max-width:55vw;font-size:10px;line-height:1.3}
.dsrgeo-tip{border-collapse:collapse;font-size:12px}
"""

RUNTIME_JS = r"""
(function () {
  "use strict";
  var D = window.dsrgeo = window.dsrgeo || {maps: {}};
  D.maps = D.maps || {};

  // rows of (label, value); labels and the string table were html-escaped in Python
  D.table = function (spec, valueIndex, fields) {
    var html = '<table class="dsrgeo-tip">';
    for (var i = 0; i < fields.length; i++) {
      var at = valueIndex[fields[i][0]];
      if (at === null || at === undefined) { continue; }
      html += "<tr><th>" + fields[i][1] + "</th><td>" + spec.strings[at] + "</td></tr>";
    }
    return html + "</table>";
  };

  // the display text of one column of a drawn feature (tests and scripts use it)
  D.valueOf = function (spec, sub, column) {
    var at = sub.feature.properties._v[spec.columns.indexOf(column)];
    return at === null || at === undefined ? null : spec.strings[at];
  };

  // Google's Encoded Polyline Algorithm: (lat, lon) integer deltas -> [[lon, lat], ...]
  D.decode = function (text, scale) {
    var out = [], index = 0, lat = 0, lon = 0;
    function next() {
      var result = 0, shift = 0, bits;
      do {
        bits = text.charCodeAt(index++) - 63;
        result |= (bits & 0x1f) << shift;
        shift += 5;
      } while (bits >= 0x20);
      return (result & 1) ? ~(result >> 1) : (result >> 1);
    }
    while (index < text.length) {
      lat += next();
      lon += next();
      out.push([lon / scale, lat / scale]);
    }
    return out;
  };

  var TYPES = ["GeometryCollection", "Point", "LineString", "Polygon", "MultiPoint",
               "MultiLineString", "MultiPolygon"];

  D.geometry = function (compact, scale) {
    var code = compact[0];
    if (code === 0) { return compact[1]; }
    function expand(item) {
      return typeof item === "string" ? D.decode(item, scale) : item.map(expand);
    }
    var coordinates = expand(compact[1]);
    return {type: TYPES[code], coordinates: code === 1 ? coordinates[0] : coordinates};
  };

  // the spec's compact rows -> a GeoJSON FeatureCollection for L.geoJSON
  D.features = function (spec) {
    var scale = Math.pow(10, spec.decimals);
    return {type: "FeatureCollection", features: spec.rows.map(function (row) {
      return {type: "Feature", geometry: D.geometry(row[0], scale),
              properties: {_s: row[1], _v: row[2], _y0: row[3], _y1: row[4], _ph: row[5]}};
    })};
  };

  D.map = function (name, leafletMap) {
    var entry = D.maps[name] = {map: leafletMap, layers: [], year: null, ready: false};
    leafletMap.on("overlayadd overlayremove", function (e) {
      var key = e.layer && e.layer.dsrgeoKey;
      if (!key) { return; }
      var container = leafletMap.getContainer();
      var rows = container.querySelectorAll('[data-dsrgeo-legend="' + key + '"]');
      for (var i = 0; i < rows.length; i++) {
        rows[i].style.display = e.type === "overlayadd" ? "" : "none";
      }
    });
    return entry;
  };

  D.vector = function (mapName, spec) {
    var styles = spec.styles;
    var layer = L.geoJSON(D.features(spec), {
      pane: spec.pane,
      attribution: spec.attribution || null,
      style: function (f) { return styles[f.properties._s]; },
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, L.extend({pane: spec.pane}, styles[f.properties._s]));
      },
      onEachFeature: function (f, sub) {
        if (spec.tooltip.length) {
          sub.bindTooltip(function () { return D.table(spec, f.properties._v, spec.tooltip); },
                          {sticky: spec.kind !== "point"});
        }
        if (f.properties._ph !== undefined && f.properties._ph !== null) {
          sub.bindPopup(f.properties._ph);  // raw HTML the caller passed as popup_html=
        } else if (spec.popup.length) {
          sub.bindPopup(function () { return D.table(spec, f.properties._v, spec.popup); });
        }
        if (spec.tooltip.length || spec.popup.length) {  // hover: a little thicker
          sub.on("mouseover", function () {
            var style = sub.dsrgeoStyle || styles[f.properties._s];
            sub.setStyle({weight: (style.weight || 1) + 2});
          });
          sub.on("mouseout", function () {
            sub.setStyle(sub.dsrgeoStyle || styles[f.properties._s]);
          });
        }
      }
    });
    layer.dsrgeoKey = spec.key;
    layer.dsrgeoAll = layer.getLayers();
    var entry = D.maps[mapName];
    entry.layers.push({key: spec.key, name: spec.name, layer: layer, spec: spec,
                       features: spec.features, drawable: spec.rows.length});
    return layer;
  };

  // what a registered layer shows now: features drawn by Leaflet and currently on the map
  D.counts = function (mapName) {
    var out = {};
    var entry = D.maps[mapName];
    entry.layers.forEach(function (item) {
      out[item.key] = {name: item.name, features: item.features, drawable: item.drawable,
                       drawn: item.layer.dsrgeoAll.length,
                       visible: item.layer.getLayers().length,
                       on_map: entry.map.hasLayer(item.layer)};
    });
    return out;
  };

  function stateAt(props, year) {
    var start = props._y0, end = props._y1;
    if (start === null || start === undefined) { return "during"; }  // year unknown: always
    if (start > year) { return "before"; }
    if (end !== null && end !== undefined && end <= year) { return "after"; }
    return "during";
  }

  D.setYear = function (mapName, year) {
    var entry = D.maps[mapName];
    entry.year = year;
    entry.layers.forEach(function (item) {
      var time = item.spec.time;
      if (!time) { return; }
      var group = item.layer;
      item.layer.dsrgeoAll.forEach(function (sub) {
        var props = sub.feature.properties;
        var state = stateAt(props, year);
        var rule = state === "during" ? props._s : time[state];
        if (rule === "hide") {
          if (group.hasLayer(sub)) { group.removeLayer(sub); }
          return;
        }
        if (!group.hasLayer(sub)) { group.addLayer(sub); }
        sub.dsrgeoStyle = item.spec.styles[rule];
        if (sub.setStyle) { sub.setStyle(sub.dsrgeoStyle); }
      });
    });
    var outputs = entry.map.getContainer().querySelectorAll(".dsrgeo-slider output");
    for (var i = 0; i < outputs.length; i++) { outputs[i].textContent = String(year); }
  };
})();
"""
