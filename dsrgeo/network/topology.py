"""One cable's topology from its drawing: junctions, links, landing stations and pieces.

A cable on the map is a set of drawn parts (TeleGeography's stylised route, split at ±180°).
:func:`cable_topology` turns it into a small graph:

1. **Vertices.** Parts that share a vertex (same position to 6 decimals, ±180° being one
   meridian) join there.
2. **Branching units.** A part end that touches no other part is joined to the nearest point
   of another part of the same cable when that point lies within :data:`SNAP_KM` (a branch
   drawn a little off its trunk); the nearest point becomes a vertex if it was inside a
   segment.
3. **Landing stations.** Each landing point of the cable is attached to the nearest vertex of
   the drawing (a part end or a vertex the route passes through: in the shipped layer 15% of
   landing points lie more than 150 km from every part end but all lie within 27 km of a
   vertex, because TeleGeography often draws a festoon as one line through its landings).
   The attachment is a short *shore end* link.
4. **Links.** Chains of segments between junctions (vertices where the drawing branches or
   ends, or where a station is attached) become one link each: a fault anywhere on a chain
   has the same effect.

The stations that remain connected through links are a *piece*. An intact cable whose
drawing is connected is one piece; a fault (removed links) splits it into pieces, each
keeping the stations it still reaches. A cable whose drawing does not connect all its
stations is several pieces from the start (:attr:`Topology.gap_km` says how far apart): the
pieces are kept as drawn and are joined only through the countries they land in.
"""

import dataclasses

import numpy as np
import shapely
import shapely.ops

from dsrgeo.errors import InvalidLayerError
from dsrgeo.geodesy import _geod  # the process's one WGS84 Geod

__all__ = ["KEY_DECIMALS", "SNAP_KM", "Topology", "cable_topology", "pieces_of"]

#: Greatest distance at which a loose part end is joined to another part of its cable (a
#: branching unit drawn off the trunk). In the shipped layer the loose ends that come close
#: to their own cable do so within 27 km (the farthest landing point also lies 27 km from
#: its cable's nearest vertex: the drawing's precision); the next-closest ends are 79 km and
#: more away, which are gaps in the drawing, not branching units.
SNAP_KM = 30.0
#: Decimals of the positions compared to find shared vertices (the layers keep 6).
KEY_DECIMALS = 6
#: A part end where a landing point is attached joins another part only when it touches it
#: (within this distance, the drawing's precision): two landing stations close together are
#: usually separate branches, e.g. Southern Cross's Takapuna and Whenuapai in Auckland, 13 km
#: apart, joined over land.
TOUCH_KM = 1.0
#: Parts nearest in lon/lat degrees among which the geodesically nearest point is sought.
_CANDIDATE_PARTS = 3


@dataclasses.dataclass(frozen=True, repr=False)
class Topology:
    """The graph of one cable: nodes, links between them and the stations attached.

    Attributes
    ----------
    cable_id : str
    nodes : numpy.ndarray
        (n, 2) lon/lat degrees of every node: the drawing's junctions, then one node per
        station (at the landing point).
    links : numpy.ndarray
        (m, 2) int: the two nodes of every link.
    kinds : tuple of str
        Per link: ``"drawn"`` (a chain of drawn segments), ``"snap"`` (a branching unit
        joined within :data:`SNAP_KM`) or ``"shore"`` (a station's attachment).
    geometries : tuple of shapely geometries
        Per link, lon/lat (split at ±180°), for finding the links near a place.
    stations : tuple of str
        Landing point id of each station, in the order of the station nodes.
    station_nodes : numpy.ndarray
        Node index of each station.
    attach_km : numpy.ndarray
        Per station, the geodesic distance from the landing point to the drawn vertex it is
        attached to.
    snap_km : tuple of float
        Length of each snap made.
    pieces : tuple of tuple of int
        The station indexes of each piece of the intact cable (sorted).
    gap_km : float or None
        For a cable whose drawing does not connect all its stations: the shortest
        geodesic distance between two of its pieces' drawings; None when connected.
    """

    cable_id: str
    nodes: np.ndarray
    links: np.ndarray
    kinds: tuple
    geometries: tuple
    stations: tuple
    station_nodes: np.ndarray
    attach_km: np.ndarray
    snap_km: tuple
    pieces: tuple
    gap_km: object

    @property
    def is_connected(self):
        """True if the intact drawing connects all the cable's stations."""
        return len(self.pieces) <= 1

    def __repr__(self):
        return (
            f"Topology({self.cable_id!r}: {len(self.nodes) - len(self.stations)} junctions, "
            f"{len(self.links)} links, {len(self.stations)} stations, "
            f"{len(self.pieces)} piece{'s' if len(self.pieces) != 1 else ''})"
        )


def _key(lon, lat):
    lon = 180.0 if lon <= -180.0 else float(lon)
    return (round(lon, KEY_DECIMALS), round(float(lat), KEY_DECIMALS))


def _distance_km(lon1, lat1, lon2, lat2):
    _, _, metres = _geod().inv(lon1, lat1, lon2, lat2)
    return np.asarray(metres) / 1000.0


class _Drawing:
    """The vertex graph of a cable's parts while it is being assembled."""

    def __init__(self, geometry):
        self.index = {}
        self.xy = []
        self.parts = []  # per part: list of [vertex id, lon, lat] along the part
        for part in shapely.get_parts(geometry):
            coords = np.asarray(part.coords)[:, :2]
            if len(coords) < 2:
                continue
            sequence = []
            for lon, lat in coords:
                vertex = self.vertex(lon, lat)
                if not sequence or sequence[-1][0] != vertex:
                    sequence.append([vertex, float(lon), float(lat)])
            if len(sequence) >= 2:
                self.parts.append(sequence)
        self.snaps = []  # (vertex a, (lon, lat) of a, vertex b, (lon, lat) of b, km)

    def vertex(self, lon, lat):
        key = _key(lon, lat)
        found = self.index.get(key)
        if found is None:
            found = self.index[key] = len(self.xy)
            self.xy.append((float(lon), float(lat)))
        return found

    def vertices_of(self, part):
        return {v for v, _, _ in self.parts[part]}

    def snap_loose_ends(self, stations_at):
        """Join each loose part end to the nearest point of another part (a branching unit).

        A loose end touches no other part. It is joined within :data:`SNAP_KM`, or within
        :data:`TOUCH_KM` if a landing point is attached there (``stations_at``: those
        vertices; such an end is a shore end, not a branch).
        """
        for i in range(len(self.parts)):
            for end in (0, -1):
                vertex, lon, lat = self.parts[i][end]
                if any(vertex in self.vertices_of(j) for j in range(len(self.parts)) if j != i):
                    continue
                if any(vertex in (a, b) for a, _, b, _, _ in self.snaps):
                    continue
                best = self._nearest_on_other_parts(i, lon, lat)
                reach_km = TOUCH_KM if vertex in stations_at else SNAP_KM
                if best is not None and best[0] <= reach_km:
                    km, j, segment, (qlon, qlat) = best
                    target = self._insert(j, segment, qlon, qlat)
                    self.snaps.append((vertex, (lon, lat), target, (qlon, qlat), km))

    def _nearest_on_other_parts(self, i, lon, lat):
        """(km, part, segment, (lon, lat)) of the nearest point on another part, or None.

        Parts are ranked by planar distance in degrees (the end shifted by ±360° too), and
        the geodesic distance is measured to the nearest few.
        """
        others = [j for j in range(len(self.parts)) if j != i]
        if not others:
            return None
        lines = np.array(
            [shapely.LineString([(x, y) for _, x, y in self.parts[j]]) for j in others],
            dtype=object,
        )
        shifts = np.array([0.0, -360.0, 360.0])
        points = shapely.points(lon + shifts, np.full(3, lat))
        planar = shapely.distance(lines[:, None], points[None, :])  # (parts, shifts)
        best = None
        for row in np.argsort(planar.min(axis=1), kind="stable")[:_CANDIDATE_PARTS]:
            shift = shifts[int(np.argmin(planar[row]))]
            line, point = lines[row], shapely.Point(lon + shift, lat)
            where = line.project(point)
            nearest = line.interpolate(where)
            km = float(_distance_km(lon + shift, lat, nearest.x, nearest.y))
            if best is None or km < best[0]:
                j = others[row]
                best = (km, j, _segment_at(self.parts[j], where), (nearest.x, nearest.y))
        return best

    def _insert(self, j, segment, lon, lat):
        """Return the vertex at (lon, lat) on segment ``segment`` of part ``j``, adding it."""
        part = self.parts[j]
        for vertex, x, y in (part[segment], part[segment + 1]):
            if _key(x, y) == _key(lon, lat):
                return vertex
        vertex = self.vertex(lon, lat)
        part.insert(segment + 1, [vertex, float(lon), float(lat)])
        return vertex

    def edges(self):
        """Every segment: (vertex a, vertex b, (lon, lat) at a, (lon, lat) at b, kind)."""
        out = []
        for part in self.parts:
            for (a, ax, ay), (b, bx, by) in zip(part[:-1], part[1:]):
                out.append((a, b, (ax, ay), (bx, by), "drawn"))
        for a, axy, b, bxy, _ in self.snaps:
            if a != b:
                out.append((a, b, axy, bxy, "snap"))
        return out


def _segment_at(part, where):
    """Index of the segment of ``part`` holding the point ``where`` (planar distance along)."""
    xy = np.array([(x, y) for _, x, y in part])
    lengths = np.hypot(*np.diff(xy, axis=0).T)
    ends = np.cumsum(lengths)
    return int(min(np.searchsorted(ends, where), len(lengths) - 1))


def _line_geometry(points):
    """A chain's positions as a line, split where it steps across ±180° (parts joined there)."""
    lines, current = [], [points[0]]
    for previous, point in zip(points[:-1], points[1:]):
        if abs(point[0] - previous[0]) > 180.0:
            lines.append(current)
            current = []
        current.append(point)
    lines.append(current)
    lines = [line for line in lines if len(line) >= 2]
    if not lines:
        return shapely.Point(points[0])
    if len(lines) == 1:
        return shapely.LineString(lines[0])
    return shapely.MultiLineString(lines)


def _chains(n_vertices, edges, junction):
    """Compress segments into chains between junctions: [(a, b, positions, kind)]."""
    incident = [[] for _ in range(n_vertices)]
    for e, (a, b, _, _, _) in enumerate(edges):
        incident[a].append(e)
        incident[b].append(e)
    used = np.zeros(len(edges), dtype=bool)
    chains = []

    def walk(start, first_edge):
        a, b, axy, bxy, kind = edges[first_edge]
        points = [axy, bxy] if a == start else [bxy, axy]
        here = b if a == start else a
        used[first_edge] = True
        while not junction[here]:
            nxt = next((e for e in incident[here] if not used[e]), None)
            if nxt is None:
                break
            a, b, axy, bxy, _ = edges[nxt]
            used[nxt] = True
            if a == here:
                points.append(bxy)
                here = b
            else:
                points.append(axy)
                here = a
        chains.append((start, here, points, kind))

    for vertex in range(n_vertices):
        if junction[vertex]:
            for e in incident[vertex]:
                if not used[e]:
                    walk(vertex, e)
    for e in range(len(edges)):  # closed rings without a junction
        if not used[e]:
            junction[edges[e][0]] = True
            walk(edges[e][0], e)
    return chains


def cable_topology(cable_id, geometry, stations):
    """Build the :class:`Topology` of one cable from its drawing and its landing points.

    Parameters
    ----------
    cable_id : str
        The cable's id (named in errors).
    geometry : shapely LineString or MultiLineString
        The drawn route, lon/lat degrees (parts split at ±180° are joined there).
    stations : sequence of (str, (float, float))
        Landing point id and its (lon, lat), for every landing point of the cable.

    Returns
    -------
    Topology

    Raises
    ------
    InvalidLayerError
        If the geometry has no segment of two distinct positions.

    Examples
    --------
    A trunk from A to C with a branch to B whose end stops 5 km short of the trunk:

    >>> from shapely import LineString, MultiLineString
    >>> drawing = MultiLineString([[(0, 0), (2, 0)], [(1, 1), (1, 0.045)]])
    >>> topo = cable_topology("t", drawing, [("a", (0, 0)), ("b", (1, 1)), ("c", (2, 0))])
    >>> topo
    Topology('t': 5 junctions, 7 links, 3 stations, 1 piece)
    >>> [round(km, 1) for km in topo.snap_km]
    [5.0]
    """
    drawing = _Drawing(geometry)
    if not drawing.parts:
        raise InvalidLayerError(
            "the cable has no drawn segment", feature=cable_id, field="geometry"
        )
    ids = [station_id for station_id, _ in stations]
    points = np.array([lonlat for _, lonlat in stations], dtype=float).reshape(-1, 2)
    attach = np.zeros(len(ids), dtype=int)
    attach_km = np.zeros(len(ids))
    drawn_xy = np.array(drawing.xy)
    for k, (lon, lat) in enumerate(points):
        km = _distance_km(
            np.full(len(drawn_xy), lon), np.full(len(drawn_xy), lat), drawn_xy[:, 0], drawn_xy[:, 1]
        )
        attach[k] = int(np.argmin(km))
        attach_km[k] = float(km[attach[k]])
    drawing.snap_loose_ends(set(attach.tolist()))
    xy = np.array(drawing.xy)

    edges = drawing.edges()
    degree = np.zeros(len(xy), dtype=int)
    for a, b, _, _, _ in edges:
        degree[a] += 1
        degree[b] += 1
    junction = degree != 2
    junction[attach] = True
    for a, _, b, _, _ in drawing.snaps:
        junction[[a, b]] = True
    chains = _chains(len(xy), edges, junction)

    used_vertices = sorted({v for a, b, _, _ in chains for v in (a, b)} | set(attach.tolist()))
    number = {v: i for i, v in enumerate(used_vertices)}
    n_junctions = len(used_vertices)
    nodes = [xy[v] for v in used_vertices] + [tuple(p) for p in points]
    links, kinds, geometries = [], [], []
    for a, b, chain_points, kind in chains:
        links.append((number[a], number[b]))
        kinds.append(kind)
        geometries.append(_line_geometry(chain_points))
    station_nodes = np.arange(n_junctions, n_junctions + len(ids))
    for k, node in enumerate(station_nodes):
        links.append((int(node), number[int(attach[k])]))
        kinds.append("shore")
        geometries.append(_line_geometry([tuple(points[k]), tuple(xy[attach[k]])]))
    links = np.array(links, dtype=int).reshape(-1, 2)
    pieces = pieces_of(len(nodes), links, station_nodes)
    gap_km = _gap_km(np.array(nodes, dtype=float), geometries, kinds, links, pieces, station_nodes)
    return Topology(
        cable_id=cable_id,
        nodes=np.array(nodes, dtype=float).reshape(-1, 2),
        links=links,
        kinds=tuple(kinds),
        geometries=tuple(geometries),
        stations=tuple(ids),
        station_nodes=station_nodes,
        attach_km=attach_km,
        snap_km=tuple(km for *_, km in drawing.snaps),
        pieces=pieces,
        gap_km=gap_km,
    )


def _roots(n_nodes, links, keep=None):
    parent = list(range(n_nodes))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, (a, b) in enumerate(links):
        if keep is None or keep[i]:
            ra, rb = find(int(a)), find(int(b))
            if ra != rb:
                parent[ra] = rb
    return [find(x) for x in range(n_nodes)]


def pieces_of(n_nodes, links, station_nodes, keep=None):
    """Return the station indexes of each piece: stations still joined by kept links.

    Parameters
    ----------
    n_nodes : int
    links : numpy.ndarray
        (m, 2) node pairs.
    station_nodes : sequence of int
    keep : sequence of bool, optional
        Per link, False if it is cut; default every link is kept.

    Returns
    -------
    tuple of tuple of int
        Sorted, each piece sorted.

    Examples
    --------
    >>> import numpy as np
    >>> links = np.array([[0, 1], [1, 2]])
    >>> pieces_of(3, links, [0, 1, 2]), pieces_of(3, links, [0, 1, 2], keep=[True, False])
    (((0, 1, 2),), ((0, 1), (2,)))
    """
    roots = _roots(n_nodes, links, keep)
    groups = {}
    for k, node in enumerate(station_nodes):
        groups.setdefault(roots[int(node)], []).append(k)
    return tuple(sorted(tuple(sorted(g)) for g in groups.values()))


def _gap_km(nodes, geometries, kinds, links, pieces, station_nodes):
    """Shortest distance from a junction of one piece's drawing to another piece's, km.

    From junctions (ends, branch points, attachments) to the other drawing, not line to
    line: drawn lines of one cable may cross without joining (a ring drawn as a figure
    eight), which is no gap. None for a cable of one piece.
    """
    if len(pieces) <= 1:
        return None
    roots = _roots(len(nodes), links)
    lines, junctions = {}, {}
    for (a, b), kind, geometry in zip(links, kinds, geometries):
        if kind != "shore":
            lines.setdefault(roots[int(a)], []).append(geometry)
            junctions.setdefault(roots[int(a)], set()).update((int(a), int(b)))
    piece_roots = [roots[int(station_nodes[piece[0]])] for piece in pieces]
    best = None
    for i in piece_roots:
        for j in piece_roots:
            if i == j or i not in junctions or j not in lines:
                continue
            other = shapely.union_all(lines[j])
            for node in sorted(junctions[i]):
                lon, lat = nodes[node]
                for shift in (0.0, -360.0, 360.0):
                    _, nearest = shapely.ops.nearest_points(shapely.Point(lon + shift, lat), other)
                    km = float(_distance_km(lon + shift, lat, nearest.x, nearest.y))
                    best = km if best is None else min(best, km)
    return best
