"""dsrgeo's own small browser runtime (JS + CSS), inlined once into every page after Leaflet.

It draws vector layers from a compact spec on canvas (one renderer per drawing-order pane),
wraps the world (copies of every layer 360° east and west, made when the view first needs
them), and picks what is under the pointer itself: the canvases take no pointer events, so
layers drawn below others stay reachable; a click on points that overlap lists them all in
one popup; one tooltip or one popup is visible at a time, and Enter on the focused map opens
the popup of what is at its centre. Large point layers are drawn by a bulk layer (one canvas
pass per style, a grid to pick from). Data parts over a size travel deflate-compressed and
are opened with the browser's ``DecompressionStream``.

It keeps a registry ``window.dsrgeo.maps[<map name>]`` that tests and users can inspect
(features in the data, features drawn, features visible), toggles legend sections and the
one-line credits with the layer control, steps layers through the years for the slider, and
fits the panels (title, layer control, legend, sources, credits) to the map: each collapses
to a button when the map is small, so they never overlap and cover at most
``PANEL_BUDGET_LARGE`` of a large map and ``PANEL_BUDGET_SMALL`` of a small one. All strings
it puts into HTML were escaped in Python (:mod:`dsrgeo.maps.display`); the JS never reads raw
data into ``innerHTML``.
"""

__all__ = [
    "LARGE_MAP_PX",
    "PANEL_BUDGET_LARGE",
    "PANEL_BUDGET_SMALL",
    "RUNTIME_CSS",
    "RUNTIME_JS",
]

#: Share of the map panels may cover when it opens: at most 15% of a large map (at least
#: ``LARGE_MAP_PX`` wide and high), 30% of a smaller one (an embed, a phone).
PANEL_BUDGET_LARGE = 0.15
PANEL_BUDGET_SMALL = 0.30
LARGE_MAP_PX = (1000, 700)
#: Pages that embed several maps load the runtime once (a second copy of it returns at once)
RUNTIME_VERSION = "3"

RUNTIME_CSS = """
.dsrgeo-map{background:#dbe7f0;font:13px/1.35 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
.dsrgeo-map .leaflet-pane>canvas{pointer-events:none}
.dsrgeo-map:focus-visible{outline:3px solid #1f5f99;outline-offset:-3px}
.dsrgeo-map .leaflet-interactive:focus{outline:none}
.dsrgeo-box{background:rgba(255,255,255,.94);padding:6px 9px;border-radius:5px;
 box-shadow:0 1px 4px rgba(0,0,0,.3);color:#222;max-width:300px;box-sizing:border-box}
.dsrgeo-box summary{cursor:pointer;font-weight:600;font-size:12px;list-style-position:inside}
.dsrgeo-box details:not([open])>summary{padding:1px 2px}
.dsrgeo-title{max-width:520px;padding:7px 11px}
.dsrgeo-title-text{font-size:16px;font-weight:700;line-height:1.25;margin:0;color:#111;cursor:default}
.dsrgeo-title.dsrgeo-clamped .dsrgeo-title-text{font-size:14px;display:-webkit-box;-webkit-line-clamp:2;
 -webkit-box-orient:vertical;overflow:hidden;cursor:pointer}
.dsrgeo-legend-body{overflow-y:auto;margin-top:4px}
.dsrgeo-legend h4,.dsrgeo-sources h4,.dsrgeo-pick h4{margin:7px 0 3px;font-size:12px}
.dsrgeo-legend-body>div:first-child h4{margin-top:0}
.dsrgeo-row{display:flex;align-items:center;gap:6px;font-size:12px;margin:1px 0}
.dsrgeo-sw{display:inline-block;flex:none;width:18px;height:12px;border:1px solid rgba(0,0,0,.35)}
.dsrgeo-sw.line{height:0;border:0;border-top:3px solid;margin:5px 0}
.dsrgeo-sw.point{width:10px;height:10px;border-radius:50%;margin:0 4px}
.dsrgeo-sw.ring{width:8px;height:8px;border-radius:50%;margin:0 4px;border-width:2px;border-style:solid;background:#fff}
.dsrgeo-ramp{height:10px;width:170px;border:1px solid rgba(0,0,0,.35)}
.dsrgeo-ramp-labels{display:flex;justify-content:space-between;width:172px;font-size:11px}
.dsrgeo-sources{max-width:440px;font-size:11px}
.dsrgeo-sources-body{overflow-y:auto}
.dsrgeo-sources ul{margin:2px 0 4px;padding-left:16px}
.dsrgeo-sources li{margin:2px 0}
.dsrgeo-sources p{margin:2px 0 6px}
.dsrgeo-slider{font-size:12px}
.dsrgeo-slider input{width:200px;vertical-align:middle}
.dsrgeo-slider output{display:inline-block;min-width:3em;font-weight:600;text-align:right}
.dsrgeo-tip{border-collapse:collapse;font-size:12px}
.dsrgeo-tip-title{font-weight:700;font-size:13px;margin-bottom:2px}
.dsrgeo-tip th{text-align:left;padding:1px 8px 1px 0;font-weight:600;vertical-align:top;white-space:nowrap}
.dsrgeo-tip td{vertical-align:top;padding:1px 0}
.leaflet-tooltip .dsrgeo-tip td{white-space:nowrap}
.leaflet-popup-content .dsrgeo-tip td{min-width:120px;max-width:260px;overflow-wrap:anywhere}
.leaflet-popup-content .dsrgeo-tip th{white-space:normal;min-width:90px;max-width:160px}
.dsrgeo-pick+.dsrgeo-pick{border-top:1px solid #ddd;margin-top:6px;padding-top:2px}

.dsrgeo-map .leaflet-control-attribution{font-size:10px;line-height:1.4;white-space:nowrap;
 overflow:hidden;text-overflow:ellipsis;cursor:pointer;box-sizing:border-box}
.dsrgeo-map .leaflet-control-attribution.dsrgeo-open{white-space:normal}
.dsrgeo-map .leaflet-control-layers-expanded{max-height:none}
.dsrgeo-sr{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;
 clip:rect(0 0 0 0);white-space:nowrap;border:0}
.dsrgeo-notice{position:absolute;left:50%;top:45%;transform:translate(-50%,-50%);z-index:1000}
"""

RUNTIME_JS = r"""
(function () {
  "use strict";
  if (window.dsrgeo && window.dsrgeo.runtime === "@RUNTIME_VERSION@") { return; }  // loaded
  var D = window.dsrgeo = window.dsrgeo || {maps: {}};
  D.maps = D.maps || {};
  D.runtime = "@RUNTIME_VERSION@";
  var BUDGET_LARGE = @BUDGET_LARGE@, BUDGET_SMALL = @BUDGET_SMALL@;
  var LARGE_W = @LARGE_W@, LARGE_H = @LARGE_H@;

  // -- data ---------------------------------------------------------------------------------

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

  // a part of the page data, deflate-compressed in Python and base64-encoded, as text
  D.inflate = function (b64) {
    if (typeof DecompressionStream === "undefined") {
      return Promise.reject(new Error("this browser cannot open compressed map data"));
    }
    var binary = atob(b64), bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Response(stream).text();
  };

  // an object whose "z" member holds the rest of it, compressed
  D.unpack = function (packed) {
    if (!packed || packed.z === undefined) { return Promise.resolve(packed); }
    return D.inflate(packed.z).then(function (text) {
      var out = JSON.parse(text);
      for (var name in packed) { if (name !== "z" && !(name in out)) { out[name] = packed[name]; } }
      return out;
    });
  };

  function valueIndex(spec, column, row) {
    var values = spec.values[column];
    if (values && values.from !== undefined) { return values.from + row; }
    return values[row];
  }

  function styleIndex(spec, row) {
    return typeof spec.style === "number" ? spec.style : spec.style[row];
  }

  // rows of (label, value); labels and the string table are safe HTML made in Python. A
  // first field that names the feature (a "name" or "city" column) is its heading.
  var NAMES = {name: true, city: true};
  D.table = function (spec, row, fields) {
    var html = "", start = 0;
    if (fields.length && NAMES[spec.columns[fields[0][0]]]) {
      var first = valueIndex(spec, fields[0][0], row);
      if (first !== null && first !== undefined) {
        html += '<div class="dsrgeo-tip-title">' + spec.strings[first] + "</div>";
      }
      start = 1;
    }
    html += '<table class="dsrgeo-tip">';
    for (var i = start; i < fields.length; i++) {
      var at = valueIndex(spec, fields[i][0], row);
      if (at === null || at === undefined) { continue; }
      html += "<tr><th>" + fields[i][1] + "</th><td>" + spec.strings[at] + "</td></tr>";
    }
    return html + "</table>";
  };

  // the display text of one column of a drawn feature (tests and scripts use it)
  D.valueOf = function (spec, sub, column) {
    var row = sub.dsrgeoRow;
    var at = valueIndex(spec, spec.columns.indexOf(column), row);
    return at === null || at === undefined ? null : spec.strings[at];
  };

  function popupFields(spec) { return spec.popup.length ? spec.popup : spec.tooltip; }

  function popupHtml(item, row) {
    var spec = item.spec;
    if (spec.html && spec.html[row] !== null && spec.html[row] !== undefined && spec.html[row] !== "") {
      return spec.html[row];  // raw HTML the caller passed as popup_html=
    }
    var fields = popupFields(spec);
    return fields.length ? D.table(spec, row, fields) : "";
  }

  // -- the map --------------------------------------------------------------------------------

  D.map = function (name, leafletMap, options) {
    var entry = D.maps[name] = {
      name: name, map: leafletMap, layers: [], year: null, ready: false, options: options || {},
      pending: [], tables: Promise.resolve({}), renderers: {}, popupOpen: false, hover: null
    };
    entry.centerLon = entry.options.centerLon || 0;
    leafletMap.attributionControl.setPrefix(false);
    leafletMap.on("overlayadd overlayremove", function (e) {
      var key = e.layer && e.layer.dsrgeoKey;
      if (!key) { return; }
      var rows = leafletMap.getContainer().querySelectorAll('[data-dsrgeo-legend="' + key + '"]');
      for (var i = 0; i < rows.length; i++) {
        rows[i].style.display = e.type === "overlayadd" ? "" : "none";
      }
      D.credits(name);
    });
    leafletMap.on("baselayerchange", function () { D.credits(name); });
    pickingFor(entry);
    leafletMap.on("moveend", function () { ensureCopies(entry); });
    leafletMap.on("resize", function () {
      if (entry.pendingView) {
        // no animated zoom up to the new minimum: its end would undo the opening view
        leafletMap.options.minZoom = minZoomFor(entry);
        leafletMap.fire("zoomlevelschange");
        if (hasRoom(entry)) {
          var view = entry.pendingView;
          entry.pendingView = null;
          view();
        }
      } else {
        setMinZoom(entry);
      }
      D.fit(name);
    });
    // a container that changes size without the window (a collapsed output, a tab, a
    // <details> opened) tells Leaflet, which fires "resize"
    if (window.ResizeObserver) {
      new ResizeObserver(function () { leafletMap.invalidateSize({pan: false}); })
        .observe(leafletMap.getContainer());
    }
    setMinZoom(entry);
    return entry;
  };

  function hasRoom(entry) {
    var size = entry.map.getSize(), padding = entry.viewPadding || 0;
    return size.x > 2 * padding && size.y > 2 * padding;
  }

  // the opening view: the bounds with padding, or, while the map has no room (opened hidden
  // or collapsed: Leaflet would compute NaN and stop the page), the world until it has
  D.view = function (mapName, bounds, padding, focus) {
    var entry = D.maps[mapName], map = entry.map, maxBounds = null;
    entry.viewPadding = padding;
    function view() {
      map.fitBounds(bounds, {padding: [padding, padding], animate: false});
      D.portrait(mapName, focus);
      if (maxBounds) { map.setMaxBounds(maxBounds); }
    }
    if (hasRoom(entry)) { view(); return; }
    // until then no bounds to enforce: their animated pans, started as the map gets its
    // size, would end after the opening view and undo it
    maxBounds = map.options.maxBounds;
    map.setMaxBounds(null);
    map.setView([0, entry.centerLon], map.getMinZoom(), {animate: false});
    entry.pendingView = view;
  };

  // the world is at least as high as the map (no empty bands beyond the poles) and half as
  // wide (three copies of it fill any view)
  function minZoomFor(entry) {
    var size = entry.map.getSize();
    var zoom = Math.log(Math.max(size.y, size.x / 2, 256) / 256) / Math.LN2;
    return Math.ceil(zoom * 4) / 4;
  }

  function setMinZoom(entry) { entry.map.setMinZoom(minZoomFor(entry)); }

  // a tall map (a phone) opens on its focus at a zoom that still shows 130 degrees of
  // longitude, instead of a small world in a band of empty ocean
  D.portrait = function (mapName, focus) {
    var entry = D.maps[mapName], map = entry.map, size = map.getSize();
    if (size.y < size.x * 1.2) { return; }
    var zoom = Math.log(size.x * 360 / 130 / 256) / Math.LN2;
    zoom = Math.max(map.getMinZoom(), Math.floor(zoom * 4) / 4);
    var center = focus || [map.getCenter().lat, map.getCenter().lng];
    map.setView(center, zoom, {animate: false});
  };

  function renderer(entry, pane, kind) {
    var key = pane + ":" + kind;
    if (!entry.renderers[key]) {
      entry.renderers[key] = L.canvas({pane: pane, padding: 0.3, tolerance: kind === "line" ? 4 : 1});
    }
    return entry.renderers[key];
  }

  D.geometries = function (mapName, tables) {
    var entry = D.maps[mapName];
    entry.tables = D.unpack(tables);
    entry.pending.push(entry.tables);
  };

  // -- vector layers --------------------------------------------------------------------------

  function features(spec, tables) {
    var scale = Math.pow(10, spec.decimals), out = [];
    var table = spec.g ? tables[String(spec.decimals)] : null;
    var n = spec.g ? spec.g.length : spec.geometry.length;
    for (var row = 0; row < n; row++) {
      var compact = table ? table[spec.g[row]] : spec.geometry[row];
      out.push({type: "Feature", geometry: D.geometry(compact, scale), properties: {_r: row}});
    }
    return {type: "FeatureCollection", features: out};
  }

  function groupOptions(entry, item, offset) {
    var spec = item.spec;
    var lines = renderer(entry, spec.pane, spec.kind === "line" || spec.kind === "mixed" ? "line" : "area");
    var options = {
      pane: spec.pane,
      interactive: false,
      style: function (f) {
        return L.extend({renderer: lines, interactive: false}, spec.styles[styleIndex(spec, f.properties._r)]);
      },
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, L.extend({pane: spec.pane, renderer: lines, interactive: false},
                                               spec.styles[styleIndex(spec, f.properties._r)]));
      }
    };
    if (offset) {
      options.coordsToLatLng = function (c) { return L.latLng(c[1], c[0] + offset); };
    }
    return options;
  }

  function populate(entry, item, spec, tables) {
    item.spec = spec;
    var collection = features(spec, tables);
    item.collection = collection;
    var layer = item.layer;
    var options = groupOptions(entry, item, 0);
    L.setOptions(layer, options);
    layer.addData(collection);
    var subs = layer.getLayers();
    subs.forEach(function (sub) {
      sub.dsrgeoRow = sub.feature.properties._r;
      sub.dsrgeoItem = item;
      sub.dsrgeoCopies = {};
      sub.openTooltip = openOwnTooltip;  // Leaflet's own, bound when first asked for
      sub.openPopup = openOwnPopup;
    });
    layer.dsrgeoAll = subs;
    item.drawable = subs.length;
    ensureCopies(entry);
  }

  // a feature's own Leaflet tooltip and popup (scripts and tests open them; the page's
  // picking does not need them), bound on first use: 20,000 lines open faster without them
  function openOwnTooltip(latlng) {
    var item = this.dsrgeoItem, row = this.dsrgeoRow, spec = item.spec;
    if (!this.getTooltip() && spec.tooltip.length) {
      this.bindTooltip(function () { return D.table(spec, row, spec.tooltip); },
                       {sticky: spec.kind !== "point"});
    }
    return L.Layer.prototype.openTooltip.call(this, latlng);
  }

  function openOwnPopup(latlng) {
    var item = this.dsrgeoItem, row = this.dsrgeoRow;
    if (!this.getPopup() && popupHtml(item, row)) {
      this.bindPopup(function () { return popupHtml(item, row); }, {maxWidth: 340});
    }
    return L.Layer.prototype.openPopup.call(this, latlng);
  }

  // one feature drawn again 360 degrees east (k = 1) or west (k = -1)
  function copyOf(entry, item, primary, k) {
    var options = groupOptions(entry, item, 360 * k);
    var copy = L.GeoJSON.geometryToLayer(primary.feature, options);
    if (!(copy instanceof L.CircleMarker)) { copy.setStyle(options.style(primary.feature)); }
    copy.feature = primary.feature;
    copy.dsrgeoPrimary = primary;
    copy.dsrgeoRow = primary.dsrgeoRow;
    if (primary.dsrgeoStyle) { copy.setStyle(primary.dsrgeoStyle); }
    primary.dsrgeoCopies[k] = copy;
    var group = item.copies[k];
    if (!group) {
      group = item.copies[k] = L.featureGroup();
      if (onMap(entry, item)) { group.addTo(entry.map); }
    }
    if (item.layer.hasLayer(primary)) { group.addLayer(copy); }
  }

  // the east-west extent of a feature, degrees (computed once)
  function spanOf(sub) {
    if (!sub.dsrgeoSpan) {
      if (sub.getLatLng) {
        var lng = sub.getLatLng().lng;
        sub.dsrgeoSpan = [lng, lng];
      } else {
        var b = sub.getBounds();
        sub.dsrgeoSpan = [b.getWest(), b.getEast()];
      }
    }
    return sub.dsrgeoSpan;
  }

  // copies of the world east and west of the map's own: each feature is copied when the view
  // (with a margin) first reaches its copy, for the layers on the map (a layer switched on
  // later gets its copies then), so a view inside the map's own world makes none
  function ensureCopies(entry, only) {
    if (!entry.map._loaded) { return; }
    var bounds = entry.map.getBounds();
    var west = entry.centerLon - 180, east = entry.centerLon + 180;
    var margin = (bounds.getEast() - bounds.getWest()) * 0.1;
    var strips = [];  // [k, from, to]: the part of the map's world copy k shows
    [-1, 1].forEach(function (k) {
      var from = Math.max(west, bounds.getWest() - margin - 360 * k);
      var to = Math.min(east, bounds.getEast() + margin - 360 * k);
      if (from < to) { strips.push([k, from, to]); }
    });
    if (!strips.length) { return; }
    (only ? [only] : entry.layers).forEach(function (item) {
      if (!item.collection || item.bulk || !onMap(entry, item)) { return; }
      item.layer.dsrgeoAll.forEach(function (primary) {
        strips.forEach(function (strip) {
          if (primary.dsrgeoCopies[strip[0]]) { return; }
          var span = spanOf(primary);
          if (span[1] >= strip[1] && span[0] <= strip[2]) { copyOf(entry, item, primary, strip[0]); }
        });
      });
    });
  }

  D.vector = function (mapName, packed) {
    var entry = D.maps[mapName];
    var item = {key: packed.key, name: packed.name, kind: packed.kind, bulk: !!packed.bulk,
                spec: packed, features: packed.features || 0, drawable: 0, copies: {},
                credit: packed.credit || [], order: parseInt(String(packed.pane).slice(7), 10)};
    var layer;
    if (item.bulk) {
      layer = new Bulk(item, entry);
    } else {
      layer = L.geoJSON(null, {pane: packed.pane, interactive: false});
      layer.dsrgeoAll = [];
      layer.on("add", function () {
        for (var k in item.copies) { item.copies[k].addTo(entry.map); }
        ensureCopies(entry, item);
      });
      layer.on("remove", function () {
        for (var k in item.copies) { entry.map.removeLayer(item.copies[k]); }
        unhover(entry);
      });
    }
    layer.dsrgeoKey = packed.key;
    item.layer = layer;
    entry.layers.push(item);
    var done = Promise.all([D.unpack(packed), entry.tables]).then(function (parts) {
      if (item.bulk) { item.spec = parts[0]; layer.setData(parts[0]); item.drawable = layer.count(); }
      else { populate(entry, item, parts[0], parts[1]); }
      applyYear(entry, item, entry.year);
    });
    entry.pending.push(done);
    return layer;
  };

  // -- the bulk point layer -----------------------------------------------------------------

  var Bulk = L.Layer.extend({
    initialize: function (item, entry) {
      this._item = item;
      this._entry = entry;
      this._n = 0;
      this.options.pane = item.spec.pane;
      this.dsrgeoAll = [];
    },
    setData: function (spec) {
      var points = D.decode(spec.points, Math.pow(10, spec.decimals));
      var n = points.length;
      this._spec = spec;
      this._n = n;
      this._u = new Float64Array(n);
      this._v = new Float64Array(n);
      this._lon = new Float64Array(n);
      this._lat = new Float64Array(n);
      this._base = new Int32Array(n);
      for (var i = 0; i < n; i++) {
        var lon = points[i][0], lat = Math.max(-85.0511, Math.min(85.0511, points[i][1]));
        var sin = Math.sin(lat * Math.PI / 180);
        this._lon[i] = lon;
        this._lat[i] = points[i][1];
        this._u[i] = (lon + 180) / 360;
        this._v[i] = 0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI);
        this._base[i] = styleIndex(spec, i);
      }
      this._shown = new Int32Array(this._base);  // style drawn per point, -1: hidden
      if (this._map) { this._redraw(); }
    },
    count: function () { return this._n; },
    visibleCount: function () {
      var c = 0;
      for (var i = 0; i < this._n; i++) { if (this._shown[i] >= 0) { c++; } }
      return c;
    },
    onAdd: function (map) {
      this._canvas = L.DomUtil.create("canvas", "leaflet-zoom-animated dsrgeo-bulk", map.getPane(this.options.pane));
      map.on("moveend zoomend viewreset resize", this._redraw, this);
      map.on("zoomanim", this._animate, this);
      this._redraw();
    },
    onRemove: function (map) {
      L.DomUtil.remove(this._canvas);
      map.off("moveend zoomend viewreset resize", this._redraw, this);
      map.off("zoomanim", this._animate, this);
      this._cells = null;
      unhover(this._entry);
    },
    _animate: function (e) {
      var scale = this._map.getZoomScale(e.zoom);
      var offset = this._map._latLngBoundsToNewLayerBounds(this._map.getBounds(), e.zoom, e.center).min;
      L.DomUtil.setTransform(this._canvas, offset, scale);
    },
    setYear: function (year) {
      var spec = this._spec, time = spec.time;
      if (!time || !spec.years) { return; }
      for (var i = 0; i < this._n; i++) {
        var state = stateAt(spec.years[0][i], spec.years[1][i], year);
        var rule = state === "during" ? this._base[i] : time[state];
        this._shown[i] = rule === "hide" ? -1 : rule;
      }
      if (this._map) { this._redraw(); }
    },
    _redraw: function () {
      var map = this._map;
      if (!map || !this._canvas) { return; }
      var size = map.getSize(), ratio = window.devicePixelRatio || 1, canvas = this._canvas;
      L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]));
      canvas.width = size.x * ratio;
      canvas.height = size.y * ratio;
      canvas.style.width = size.x + "px";
      canvas.style.height = size.y + "px";
      var ctx = canvas.getContext("2d");
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      var spec = this._spec;
      if (!spec) { return; }
      var world = 256 * Math.pow(2, map.getZoom());
      var origin = map.getPixelOrigin(), pane = map._getMapPanePos();
      var dx = pane.x - origin.x, dy = pane.y - origin.y;
      var styles = spec.styles, maxR = 0;
      styles.forEach(function (s) { maxR = Math.max(maxR, (s.radius || 4) + (s.weight || 1)); });
      // which copies of the world are in view
      var k0 = Math.floor((-maxR - dx) / world) - 1, k1 = Math.ceil((size.x + maxR - dx) / world);
      var cell = 16, cols = Math.ceil(size.x / cell) + 1, rows = Math.ceil(size.y / cell) + 1;
      var xs = [], ys = [], idx = [];
      for (var k = k0; k <= k1; k++) {
        for (var i = 0; i < this._n; i++) {
          if (this._shown[i] < 0) { continue; }
          var x = this._u[i] * world + dx + k * world, y = this._v[i] * world + dy;
          if (x < -maxR || x > size.x + maxR || y < -maxR || y > size.y + maxR) { continue; }
          xs.push(x); ys.push(y); idx.push(i);
        }
      }
      var m = xs.length;
      this._x = Float32Array.from(xs);
      this._y = Float32Array.from(ys);
      this._row = Int32Array.from(idx);
      // pick grid: points by 16 px cell (counting sort)
      var count = new Int32Array(cols * rows + 1), cellOf = new Int32Array(m);
      for (var j = 0; j < m; j++) {
        var cx = Math.min(cols - 1, Math.max(0, Math.floor(this._x[j] / cell)));
        var cy = Math.min(rows - 1, Math.max(0, Math.floor(this._y[j] / cell)));
        cellOf[j] = cy * cols + cx;
        count[cellOf[j] + 1]++;
      }
      for (var c = 1; c < count.length; c++) { count[c] += count[c - 1]; }
      var fill = count.slice(0, cols * rows), members = new Int32Array(m);
      for (j = 0; j < m; j++) { members[fill[cellOf[j]]++] = j; }
      this._cells = {start: count, members: members, cols: cols, rows: rows, size: cell};
      // draw one path per style, in the style table's order (highlights last, on top)
      var byStyle = styles.map(function () { return []; });
      for (j = 0; j < m; j++) { byStyle[this._shown[this._row[j]]].push(j); }
      for (var s = 0; s < styles.length; s++) {
        var list = byStyle[s], style = styles[s];
        if (!list.length) { continue; }
        var r = style.radius === undefined ? 4 : style.radius;
        ctx.beginPath();
        for (var q = 0; q < list.length; q++) {
          var p = list[q];
          ctx.moveTo(this._x[p] + r, this._y[p]);
          ctx.arc(this._x[p], this._y[p], r, 0, 2 * Math.PI);
        }
        if (style.fill !== false) {
          ctx.globalAlpha = style.fillOpacity === undefined ? 0.2 : style.fillOpacity;
          ctx.fillStyle = style.fillColor || style.color || "#3388ff";
          ctx.fill();
        }
        if (style.stroke !== false && (style.weight === undefined || style.weight > 0)) {
          ctx.globalAlpha = style.opacity === undefined ? 1 : style.opacity;
          ctx.lineWidth = style.weight === undefined ? 3 : style.weight;
          ctx.strokeStyle = style.color || "#3388ff";
          ctx.stroke();
        }
      }
      ctx.globalAlpha = 1;
    },
    // rows under a container point, nearest first
    hits: function (point) {
      var cells = this._cells;
      if (!cells || !this._spec) { return []; }
      var styles = this._spec.styles, out = [];
      var cx = Math.floor(point.x / cells.size), cy = Math.floor(point.y / cells.size);
      for (var y = cy - 1; y <= cy + 1; y++) {
        for (var x = cx - 1; x <= cx + 1; x++) {
          if (x < 0 || y < 0 || x >= cells.cols || y >= cells.rows) { continue; }
          var at = y * cells.cols + x;
          for (var q = cells.start[at]; q < cells.start[at + 1]; q++) {
            var j = cells.members[q], style = styles[this._shown[this._row[j]]];
            var reach = (style.radius === undefined ? 4 : style.radius) + (style.weight || 1) / 2 + 1;
            var d = Math.sqrt(Math.pow(this._x[j] - point.x, 2) + Math.pow(this._y[j] - point.y, 2));
            if (d <= reach) {
              out.push({row: this._row[j], d: d,
                        latlng: this._map.containerPointToLatLng([this._x[j], this._y[j]])});
            }
          }
        }
      }
      out.sort(function (a, b) { return a.d - b.d; });
      return out;
    }
  });

  // -- picking: tooltips, popups, keyboard ------------------------------------------------

  function onMap(entry, item) { return entry.map.hasLayer(item.layer); }

  // (item, row, sub or null, latlng or null) under a layer point, for one item
  function itemHits(entry, item, e) {
    if (!item.spec || !item.spec.columns || !onMap(entry, item)) { return []; }
    if (item.bulk) {
      return item.layer.hits(e.containerPoint).map(function (h) {
        return {item: item, row: h.row, sub: null, latlng: h.latlng};
      });
    }
    var out = [], seen = {};
    var groups = [item.layer];
    for (var k in item.copies) { groups.push(item.copies[k]); }
    groups.forEach(function (group) {
      group.eachLayer(function (sub) {
        if (seen[sub.dsrgeoRow] || !sub._map || !sub._containsPoint) { return; }
        if (sub._containsPoint(e.layerPoint)) {
          seen[sub.dsrgeoRow] = true;
          out.push({item: item, row: sub.dsrgeoRow, sub: sub,
                    latlng: sub.getLatLng ? sub.getLatLng() : null});
        }
      });
    });
    return out;
  }

  function byOrder(entry) {
    return entry.layers.slice().sort(function (a, b) { return b.order - a.order; });
  }

  // a hit's geometry kind (a mixed layer's features each have their own)
  function hitKind(hit) {
    if (hit.item.kind !== "mixed") { return hit.item.kind; }
    if (hit.sub instanceof L.CircleMarker) { return "point"; }
    return hit.sub instanceof L.Polygon ? "polygon" : "line";
  }

  // what a click at e selects: every point there, else the lines there, else the top area
  function pick(entry, e) {
    var points = [], lines = [], areas = [];
    byOrder(entry).forEach(function (item) {
      itemHits(entry, item, e).forEach(function (hit) {
        var kind = hitKind(hit);
        if (kind === "point") { points.push(hit); }
        else if (kind === "line") { lines.push(hit); }
        else if (kind === "polygon" && !areas.length) { areas.push(hit); }
      });
    });
    // a cable on two layers (every cable, HMN's cables) is listed once, from the top layer
    var named = {};
    lines = lines.filter(function (h) {
      var spec = h.item.spec, column = spec.columns.indexOf("name");
      if (column < 0) { return true; }
      var at = valueIndex(spec, column, h.row);
      var label = at === null || at === undefined ? null : spec.strings[at];
      if (label === null) { return true; }
      if (named[label]) { return false; }
      named[label] = true;
      return true;
    });
    var chosen = points.length ? points : (lines.length ? lines.slice(0, 8) : areas);
    return chosen.filter(function (h) { return popupHtml(h.item, h.row) !== ""; });
  }

  function top(entry, e) {
    var order = byOrder(entry);
    for (var i = 0; i < order.length; i++) {
      var hits = itemHits(entry, order[i], e);
      if (hits.length) { return hits[0]; }
    }
    return null;
  }

  function unhover(entry) {
    var hover = entry.hover;
    if (hover && hover.sub) {
      var spec = hover.item.spec;
      var style = hover.sub.dsrgeoPrimary ? hover.sub.dsrgeoPrimary.dsrgeoStyle : hover.sub.dsrgeoStyle;
      hover.sub.setStyle(style || spec.styles[styleIndex(spec, hover.row)]);
    }
    entry.hover = null;
    if (entry.tooltip) { entry.map.closeTooltip(entry.tooltip); }
    entry.map.getContainer().style.cursor = "";
  }

  function hoverAt(entry, e) {
    var hit = entry.popupOpen ? null : top(entry, e);
    var same = hit && entry.hover && entry.hover.item === hit.item && entry.hover.row === hit.row &&
               entry.hover.sub === hit.sub;
    if (!same) { unhover(entry); }
    if (!hit) { return; }
    var spec = hit.item.spec;
    entry.map.getContainer().style.cursor = popupHtml(hit.item, hit.row) ? "pointer" : "";
    if (!same && hit.sub) {
      var style = spec.styles[styleIndex(spec, hit.row)];
      var current = (hit.sub.dsrgeoPrimary || hit.sub).dsrgeoStyle || style;
      hit.sub.setStyle({weight: (current.weight || 1) + 2});
    }
    entry.hover = hit;
    if (!spec.tooltip.length) { return; }
    if (!entry.tooltip) {
      entry.tooltip = L.tooltip({direction: "top", offset: [0, -8], className: "dsrgeo-tooltip"});
    }
    var latlng = hitKind(hit) === "point" && hit.latlng ? hit.latlng : e.latlng;
    entry.tooltip.setContent(D.table(spec, hit.row, spec.tooltip));
    entry.tooltip.setLatLng(latlng);
    if (!entry.map.hasLayer(entry.tooltip)) { entry.map.openTooltip(entry.tooltip); }
  }

  D.openPicked = function (mapName, e, focus) {
    var entry = D.maps[mapName];
    var hits = pick(entry, e);
    if (!hits.length) { entry.map.closePopup(); return 0; }
    unhover(entry);
    var html;
    if (hits.length === 1) {
      html = popupHtml(hits[0].item, hits[0].row);
    } else {
      html = '<div class="dsrgeo-picks">' + hits.map(function (h) {
        return '<div class="dsrgeo-pick"><h4>' + h.item.name + "</h4>" + popupHtml(h.item, h.row) + "</div>";
      }).join("") + "</div>";
    }
    var at = hitKind(hits[0]) === "point" && hits[0].latlng ? hits[0].latlng : e.latlng;
    var container = entry.map.getContainer(), top = 20;
    container.querySelectorAll(".leaflet-top .leaflet-control").forEach(function (el) {
      top = Math.max(top, el.getBoundingClientRect().bottom - container.getBoundingClientRect().top + 10);
    });
    var size = entry.map.getSize();
    var popup = L.popup({maxWidth: Math.min(360, size.x - 60), maxHeight: Math.max(120, size.y - top - 60),
                         autoPanPaddingTopLeft: [20, top], autoPanPaddingBottomRight: [20, 20],
                         className: "dsrgeo-popup"})
      .setLatLng(at).setContent(html);
    entry.map.openPopup(popup);
    if (focus) {
      var close = popup.getElement() && popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close) { close.focus(); }
    }
    return hits.length;
  };

  function pickingFor(entry) {
    var map = entry.map, frame = null, last = null;
    map.on("mousemove", function (e) {
      last = e;
      if (frame === null) {
        frame = requestAnimationFrame(function () { frame = null; if (last) { hoverAt(entry, last); } });
      }
    });
    map.on("mouseout", function () { last = null; unhover(entry); });
    map.on("click", function (e) { D.openPicked(entry.name, e, false); });
    map.on("popupopen", function () { entry.popupOpen = true; unhover(entry); });
    map.on("popupclose", function () { entry.popupOpen = false; });
    map.on("zoomstart movestart", function () { unhover(entry); });
    var container = map.getContainer();
    container.addEventListener("keydown", function (ev) {
      if (ev.target !== container) { return; }
      if (ev.key === "Enter" || ev.key === " ") {
        var point = map.getSize().divideBy(2);
        D.openPicked(entry.name, {containerPoint: point, layerPoint: map.containerPointToLayerPoint(point),
                                  latlng: map.containerPointToLatLng(point)}, true);
        ev.preventDefault();
      }
    });
    map.on("popupclose", function () {
      if (container.contains(document.activeElement) && document.activeElement !== container) {
        container.focus();
      }
    });
  }

  // -- what a registered layer shows now ----------------------------------------------------

  D.counts = function (mapName) {
    var out = {};
    var entry = D.maps[mapName];
    entry.layers.forEach(function (item) {
      var bulk = item.bulk, image = item.image;
      out[item.key] = {name: item.name, features: item.features, drawable: item.drawable,
                       drawn: bulk ? item.layer.count() : (image ? item.drawable : item.layer.dsrgeoAll.length),
                       visible: bulk ? item.layer.visibleCount() : (image ? item.drawable : item.layer.getLayers().length),
                       on_map: entry.map.hasLayer(item.layer)};
    });
    return out;
  };

  function stateAt(start, end, year) {
    if (start === null || start === undefined) { return "during"; }  // year unknown: always
    if (start > year) { return "before"; }
    if (end !== null && end !== undefined && end <= year) { return "after"; }
    return "during";
  }

  // the slider's year: layers whose data arrives later take it when it does
  D.setYear = function (mapName, year) {
    var entry = D.maps[mapName];
    entry.year = year;
    unhover(entry);
    entry.layers.forEach(function (item) { applyYear(entry, item, year); });
    var outputs = entry.map.getContainer().querySelectorAll(".dsrgeo-slider output");
    for (var i = 0; i < outputs.length; i++) { outputs[i].textContent = String(year); }
  };

  function applyYear(entry, item, year) {
    var spec = item.spec, time = spec && spec.time;
    if (year === null || !time || !spec.years) { return; }
    if (item.bulk) { item.layer.setYear(year); return; }
    var group = item.layer;
    (group.dsrgeoAll || []).forEach(function (sub) {
      var row = sub.dsrgeoRow;
      var state = stateAt(spec.years[0][row], spec.years[1][row], year);
      var rule = state === "during" ? styleIndex(spec, row) : time[state];
      if (rule === "hide") {
        if (group.hasLayer(sub)) { group.removeLayer(sub); }
        eachCopy(item, sub, function (g, copy) { if (g.hasLayer(copy)) { g.removeLayer(copy); } });
        return;
      }
      if (!group.hasLayer(sub)) { group.addLayer(sub); }
      sub.dsrgeoStyle = spec.styles[rule];
      if (sub.setStyle) { sub.setStyle(sub.dsrgeoStyle); }
      eachCopy(item, sub, function (g, copy) {
        if (!g.hasLayer(copy)) { g.addLayer(copy); }
        copy.setStyle(sub.dsrgeoStyle);
      });
    });
  }

  function eachCopy(item, sub, callback) {
    for (var k in item.copies) {
      var copy = sub.dsrgeoCopies[k];
      if (copy) { callback(item.copies[k], copy); }
    }
  }

  // -- credits and panels -------------------------------------------------------------------

  // the one-line attribution: each credit of the layers on the map, once
  D.credits = function (mapName) {
    var entry = D.maps[mapName], control = entry.map.attributionControl;
    if (!control) { return; }
    var parts = [];
    byOrder(entry).forEach(function (item) {  // the layers on top first
      if (!onMap(entry, item)) { return; }
      item.credit.forEach(function (part) { if (parts.indexOf(part) < 0) { parts.push(part); } });
    });
    parts.push('<a href="https://leafletjs.com">Leaflet</a>');
    var text = parts.join(" · ");
    if (entry.sourcesPanel) { text += ' · <a href="#" class="dsrgeo-sources-link">Sources</a>'; }
    if (entry.creditText !== undefined) { control.removeAttribution(entry.creditText); }
    entry.creditText = text;
    control.addAttribution(text);
  };

  D.control = function (mapName, position, className, html) {
    var entry = D.maps[mapName];
    var control = L.control({position: position});
    control.onAdd = function () {
      var box = L.DomUtil.create("div", className);
      box.innerHTML = html;  // built and escaped in Python
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    control.addTo(entry.map);
    return control.getContainer();
  };

  function rectOf(element, base) {
    var r = element.getBoundingClientRect();
    return {x: r.left - base.left, y: r.top - base.top, w: r.width, h: r.height};
  }

  function overlaps(a, b) {
    return !(a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y);
  }

  // share of the map the panels cover, and whether two of them overlap
  D.panelCover = function (mapName) {
    var container = D.maps[mapName].map.getContainer(), base = container.getBoundingClientRect();
    var boxes = [], area = 0, overlap = false;
    container.querySelectorAll(".leaflet-control").forEach(function (el) {
      if (!el.offsetParent) { return; }
      var r = rectOf(el, base);
      if (r.w * r.h <= 0) { return; }
      boxes.forEach(function (b) { if (overlaps(b, r)) { overlap = true; } });
      boxes.push(r);
      area += r.w * r.h;
    });
    return {share: area / (base.width * base.height), overlap: overlap, panels: boxes.length};
  };

  function widest(container, selector) {
    var w = 0;
    container.querySelectorAll(selector).forEach(function (el) { w = Math.max(w, el.getBoundingClientRect().width); });
    return w;
  }

  // open what fits, collapse the rest to buttons: panels never overlap and cover at most
  // 15% of a large map, 30% of a small one
  D.fit = function (mapName) {
    var entry = D.maps[mapName];
    if (!entry || !entry.ready) { return; }
    var map = entry.map, container = map.getContainer();
    var width = container.clientWidth, height = container.clientHeight;
    var large = width >= LARGE_W && height >= LARGE_H;
    var budget = large ? BUDGET_LARGE : BUDGET_SMALL;
    var title = container.querySelector(".dsrgeo-title");
    var legend = container.querySelector(".dsrgeo-legend details");
    var legendBody = container.querySelector(".dsrgeo-legend-body");
    var sources = container.querySelector(".dsrgeo-sources details");
    var attribution = container.querySelector(".leaflet-control-attribution");
    var layers = entry.layerControl;
    if (sources) { sources.open = false; }
    if (title) { title.classList.remove("dsrgeo-clamped"); title.style.maxWidth = ""; }
    if (legend) { legend.open = true; }
    if (layers) { if (width >= LARGE_W) { layers.expand(); } else { layers.collapse(); } }
    function arrange() {
      var topRight = widest(container, ".leaflet-top.leaflet-right .leaflet-control");
      if (title) { title.style.maxWidth = Math.max(120, Math.min(520, width - topRight - 40)) + "px"; }
      var bottomLeft = widest(container, ".leaflet-bottom.leaflet-left .leaflet-control");
      if (attribution) {
        attribution.classList.remove("dsrgeo-open");
        attribution.style.maxWidth = Math.max(80, width - bottomLeft - 30) + "px";
      }
      if (legendBody) {
        var topHeight = 0;
        container.querySelectorAll(".leaflet-top.leaflet-right .leaflet-control").forEach(function (el) {
          topHeight += el.getBoundingClientRect().height + 10;
        });
        var attributionHeight = attribution ? attribution.getBoundingClientRect().height : 0;
        legendBody.style.maxHeight = Math.max(60, height - topHeight - attributionHeight - 60) + "px";
      }
    }
    var steps = [
      function () { if (layers && width >= LARGE_W) { layers.collapse(); return true; } return false; },
      function () { if (title && !title.classList.contains("dsrgeo-clamped")) { title.classList.add("dsrgeo-clamped"); return true; } return false; },
      function () { if (legend && legend.open) { legend.open = false; return true; } return false; }
    ];
    arrange();
    for (var i = 0; i < steps.length; i++) {
      var cover = D.panelCover(mapName);
      if (cover.share <= budget && !cover.overlap) { break; }
      if (steps[i]()) { arrange(); }
    }
    entry.cover = D.panelCover(mapName);
  };

  function wirePanels(entry) {
    var container = entry.map.getContainer();
    var title = container.querySelector(".dsrgeo-title");
    if (title) {
      title.addEventListener("click", function () { title.classList.toggle("dsrgeo-clamped"); });
    }
    var sources = container.querySelector(".dsrgeo-sources details");
    entry.sourcesPanel = !!sources;
    if (sources) {
      sources.addEventListener("toggle", function () {
        var body = container.querySelector(".dsrgeo-sources-body");
        if (body && sources.open) {  // up to the controls above it, never over them
          var above = container.getBoundingClientRect().top;
          container.querySelectorAll(".leaflet-top.leaflet-left .leaflet-control").forEach(function (el) {
            above = Math.max(above, el.getBoundingClientRect().bottom);
          });
          var rect = sources.getBoundingClientRect();
          body.style.maxHeight = Math.max(80, rect.bottom - above - 50) + "px";
        }
      });
    }
    container.addEventListener("click", function (ev) {
      var target = ev.target;
      if (target.classList && target.classList.contains("dsrgeo-sources-link")) {
        ev.preventDefault();
        if (sources) { sources.open = true; sources.querySelector("summary").focus(); }
      } else if (target.closest && target.closest(".leaflet-control-attribution") && target.tagName !== "A") {
        target.closest(".leaflet-control-attribution").classList.toggle("dsrgeo-open");
      }
    });
  }

  // the map is complete: panels, credits, zoom buttons, ready flags
  D.finish = function (mapName) {
    var entry = D.maps[mapName];
    entry.map.addControl(L.control.zoom({position: "topleft"}));
    wirePanels(entry);
    var after = Promise.all(entry.pending).then(function () {
      entry.ready = true;
      entry.readyMs = performance.now();
      ensureCopies(entry);
      D.credits(mapName);
      D.fit(mapName);
      requestAnimationFrame(function () { requestAnimationFrame(function () {
        entry.drawnMs = performance.now();
      }); });
    }, function (error) {
      entry.error = String(error);
      D.control(mapName, "topleft", "dsrgeo-box dsrgeo-notice",
                "This map could not open its data: " + String(error.message || error).replace(/[<>&]/g, ""));
      throw error;
    });
    entry.pending = [after];
    return after;
  };
})();
"""
for _name, _value in (
    ("@RUNTIME_VERSION@", RUNTIME_VERSION),
    ("@BUDGET_LARGE@", PANEL_BUDGET_LARGE),
    ("@BUDGET_SMALL@", PANEL_BUDGET_SMALL),
    ("@LARGE_W@", LARGE_MAP_PX[0]),
    ("@LARGE_H@", LARGE_MAP_PX[1]),
):
    RUNTIME_JS = RUNTIME_JS.replace(_name, str(_value))
