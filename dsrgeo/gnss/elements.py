"""Two-line element sets: reading and checking them, constellations and orbit classes."""

import dataclasses
import re
from pathlib import Path

import numpy as np

from dsrgeo import catalog, datadir
from dsrgeo.errors import ElementSetError, ParameterError, RefreshError

__all__ = [
    "CORE_SYSTEMS",
    "DEFAULT_SNAPSHOT",
    "SYSTEMS",
    "Satellites",
    "constellation",
    "load_satellites",
    "read_tles",
    "snapshot_dir",
]

#: Every constellation code :func:`constellation` can return.
SYSTEMS = ("bds", "gps", "gal", "glo", "qzss", "navic", "sbas", "other")
#: The four global systems that the visibility tables report.
CORE_SYSTEMS = ("bds", "gps", "gal", "glo")
#: The shipped TLE snapshot used when none is given (and the ``beidou_capitals`` layer's).
DEFAULT_SNAPSHOT = "2022-02-04"

_SBAS_NAME = re.compile(r"\b(WAAS|EGNOS|EGN\*|SDCM|GAGAN|SOUTHPA|MSAS|BDSBAS|KASS|W\*)")
_GALILEO_NAME = re.compile(r"^GSAT0\d{3}\b|GALILEO")
_GEOSYNC_MAX_REV_PER_DAY = 1.5  # GEO / IGSO: ~1.0027 rev/day; GNSS MEO: 1.7-2.1 rev/day
_GEO_MAX_INCLINATION_DEG = 10.0  # BeiDou GEO: < 3 deg; IGSO: ~55 deg
_TLE_LINE_CHARS = 69
# TLE line 1, columns 19-32: two-digit year, then day of the year with its fraction
# ("22035.84723981"; the day may be space-padded, " 35.84723981")
_EPOCH_FIELD = re.compile(r"(\d\d)( {0,2}\d{1,3})\.(\d{1,8}) *")
# TLE line 2: inclination (degrees, columns 9-16) and mean motion (rev/day, columns 53-63)
_INCLINATION_FIELD = re.compile(r" *\d{1,3}\.\d{1,4} *")
_MEAN_MOTION_FIELD = re.compile(r" *\d{1,2}\.\d{1,8} *")
_COLUMNS = {"inclination": "9-16", "mean motion": "53-63"}


def constellation(name):
    """Return the constellation code of a satellite from its CelesTrak object name.

    Parameters
    ----------
    name : str
        Object name, e.g. ``"BEIDOU-3 M1 (C19)"`` or ``"GSAT0101 (PRN E11)"``.

    Returns
    -------
    str
        One of :data:`SYSTEMS`: ``bds`` (BeiDou), ``gps``, ``gal`` (Galileo, named
        ``GSAT0nnn``), ``glo`` (GLONASS, named ``COSMOS`` in CelesTrak's GNSS groups), ``qzss``,
        ``navic`` (IRNSS / NVS), ``sbas`` (WAAS, EGNOS, SDCM, GAGAN, SouthPAN payloads), or
        ``other``. India's ``GSAT-nn`` GAGAN satellites are ``sbas``, not Galileo.

    Examples
    --------
    >>> [constellation(n) for n in ["BEIDOU 3 (C01)", "GSAT0101 (PRN E11)",
    ...                             "GSAT-8 (GAGAN/PRN 127)", "COSMOS 2433 (720)"]]
    ['bds', 'gal', 'sbas', 'glo']
    """
    upper = name.upper().strip()
    if upper.startswith("BEIDOU"):
        return "bds"
    if upper.startswith(("GPS ", "NAVSTAR")):
        return "gps"
    if _GALILEO_NAME.search(upper):
        return "gal"
    if upper.startswith("COSMOS") or "GLONASS" in upper:
        return "glo"
    if upper.startswith("QZS") or "QZSS" in upper:
        return "qzss"
    if upper.startswith(("IRNSS", "NVS")):
        return "navic"
    if _SBAS_NAME.search(upper):
        return "sbas"
    return "other"


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class Satellites:
    """Satellites read from two-line element sets, in a fixed order.

    Use :func:`read_tles` to make one. Index it with a boolean mask or an index array to
    select satellites, e.g. ``sats[sats.system == "bds"]``.

    Attributes
    ----------
    name, system, orbit_class : numpy.ndarray of str
        Object name, constellation code (see :func:`constellation`) and orbit class
        (``GEO``, ``IGSO`` or ``MEO``, from mean motion and inclination).
    satnum : numpy.ndarray of int
        NORAD catalogue number.
    epoch : numpy.ndarray of datetime64[us]
        Element-set epoch, UTC.
    line1, line2 : numpy.ndarray of str
        The TLE lines as read.
    source : numpy.ndarray of str
        File each element set came from (``"<text>"`` for text, or the ``source`` given to
        :func:`read_tles`).
    """

    name: np.ndarray
    satnum: np.ndarray
    system: np.ndarray
    orbit_class: np.ndarray
    epoch: np.ndarray
    line1: np.ndarray
    line2: np.ndarray
    source: np.ndarray

    def __len__(self):
        return len(self.name)

    def __getitem__(self, index):
        if isinstance(index, (int, np.integer)):
            index = [index]  # one satellite is still a Satellites
        fields = dataclasses.fields(self)
        return Satellites(**{f.name: getattr(self, f.name)[index] for f in fields})

    def __repr__(self):
        counts = ", ".join(
            f"{code} {int(np.sum(self.system == code))}"
            for code in SYSTEMS
            if np.any(self.system == code)
        )
        if len(self) == 0:
            return "Satellites(0)"
        first, last = (str(d)[:10] for d in (self.epoch.min(), self.epoch.max()))
        return f"Satellites({len(self)}: {counts}; epochs {first}..{last})"

    def satrecs(self):
        """Return an ``sgp4.api.SatrecArray`` of these satellites (WGS72, as SGP4 expects)."""
        from sgp4.api import Satrec, SatrecArray

        return SatrecArray([Satrec.twoline2rv(a, b) for a, b in zip(self.line1, self.line2)])

    def to_frame(self):
        """Return one row per satellite: name, satnum, system, orbit_class, epoch, source.

        Examples
        --------
        >>> read_tles(EXAMPLE_TLE).to_frame()[["name", "system", "orbit_class"]]
                     name system orbit_class
        0  BEIDOU 3 (C01)    bds         GEO
        """
        import pandas as pd

        return pd.DataFrame(
            {
                "name": self.name,
                "satnum": self.satnum,
                "system": self.system,
                "orbit_class": self.orbit_class,
                "epoch": pd.to_datetime(self.epoch).tz_localize("UTC"),
                "source": self.source,
            }
        )


#: A one-satellite example used in docstrings (CelesTrak beidou.txt, 2022-02-04).
EXAMPLE_TLE = """\
BEIDOU 3 (C01)
1 36287U 10001A   22035.84723981 -.00000290  00000+0  00000+0 0  9992
2 36287   1.8549  46.9953 0001908  29.4696 143.8931  1.00272402 44189
"""


def read_tles(path_or_text, *, source=None):
    """Read satellites from TLE text, a TLE file or a folder of ``*.txt`` TLE files.

    Both the two-line and the three-line format (a name line before each pair; a leading
    ``"0 "`` is dropped) are read, with LF or CRLF line endings. Every line's modulo-10
    checksum is checked. When the same satellite appears more than once, the element set
    with the latest epoch is kept.

    Parameters
    ----------
    path_or_text : str or os.PathLike
        A path to a file or a folder of ``*.txt`` files, or TLE text itself (any string
        containing a line break is taken as text).
    source : str, optional
        Where the text came from (e.g. a URL), for error messages and
        :attr:`Satellites.source`. When given, ``path_or_text`` is always TLE text, even
        empty or a single line.

    Returns
    -------
    Satellites
        Sorted by constellation (in the order of :data:`SYSTEMS`), then by name.

    Raises
    ------
    ElementSetError
        On a line that is not a valid TLE line (ASCII, length, checksum, line number, an epoch
        field that is no year and day of the year, satellite numbers of lines 1 and 2
        differ) or that SGP4 cannot initialise; the message names the file and the line
        number.
    FileNotFoundError
        If the path does not exist, or a folder holds no ``*.txt`` file.
    ParameterError
        If ``path_or_text`` is an empty (or blank) string without ``source``: it would
        otherwise name the current folder.

    Examples
    --------
    >>> sats = read_tles(EXAMPLE_TLE)
    >>> sats
    Satellites(1: bds 1; epochs 2022-02-04..2022-02-04)
    >>> bad = EXAMPLE_TLE.replace("9992", "9993")
    >>> read_tles(bad)
    Traceback (most recent call last):
    ...
    dsrgeo.errors.ElementSetError: <text>:line 2: checksum is 3 but the digits add up to 2 (mod 10); the line is corrupted
    >>> read_tles(bad, source="https://example.org/gnss.txt")
    Traceback (most recent call last):
    ...
    dsrgeo.errors.ElementSetError: https://example.org/gnss.txt:line 2: checksum is 3 but the digits add up to 2 (mod 10); the line is corrupted
    """
    records = []
    if source is not None:
        if not isinstance(path_or_text, str):
            raise TypeError(
                f"with source={source!r}, give the TLE text as str, not "
                f"{type(path_or_text).__name__}"
            )
        records += _parse(path_or_text, str(source))
    elif isinstance(path_or_text, str) and ("\n" in path_or_text or "\r" in path_or_text):
        records += _parse(path_or_text, "<text>")
    elif isinstance(path_or_text, str) and not path_or_text.strip():
        raise ParameterError(
            f"{path_or_text!r} names no TLE file, folder or text; give a path, TLE text with "
            "its line breaks, or empty text with source=... (an empty set)",
            parameter="path_or_text",
        )
    else:
        path = Path(path_or_text)
        if path.is_dir():
            files = sorted(path.glob("*.txt"))
            if not files:
                raise FileNotFoundError(f"no *.txt TLE files in folder {str(path)!r}")
        elif path.is_file():
            files = [path]
        else:
            raise FileNotFoundError(
                f"TLE source {str(path)!r} is neither a file nor a folder (to pass TLE text, "
                "give the text itself, with its line breaks)"
            )
        for file in files:
            with open(file, encoding="ascii", errors="replace", newline=None) as handle:
                records += _parse(handle.read(), str(file))
    return _to_satellites(records)


def snapshot_dir(as_of=DEFAULT_SNAPSHOT):
    """Return the folder of a TLE snapshot shipped with dsrgeo (``layers/sources/gnss/<as_of>``).

    Parameters
    ----------
    as_of : str, optional
        ``"2022-02-04"`` (CelesTrak BeiDou, GPS, Galileo and GLONASS groups; the default and
        the ``beidou_capitals`` layer's input) or ``"2026-06-06"`` (CelesTrak's whole
        ``gnss`` group; see its ``SOURCE.md``).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    FileNotFoundError
        If there is no such snapshot; the message lists those shipped.

    Examples
    --------
    >>> sorted(p.name for p in snapshot_dir().glob("*.txt"))
    ['beidou.txt', 'galileo.txt', 'glo-ops.txt', 'gps-ops.txt']
    >>> read_tles(snapshot_dir("2026-06-06"))
    Satellites(172: bds 54, gps 32, gal 33, glo 28, qzss 5, navic 7, sbas 13; epochs 2026-05-16..2026-06-06)
    """
    root = catalog.sources_dir() / "gnss"
    folder = root / str(as_of)
    if not folder.is_dir():
        shipped = sorted(p.name for p in root.iterdir() if p.is_dir())
        raise FileNotFoundError(
            f"no shipped TLE snapshot {as_of!r}; shipped: {', '.join(shipped)} "
            "(for newer elements run `dsrgeo refresh tle` and pass tles='latest')"
        )
    return folder


def load_satellites(tles=None):
    """Return :class:`Satellites` from any of the ``tles=`` forms the GNSS functions accept.

    Parameters
    ----------
    tles : None, "latest", str, os.PathLike or Satellites
        ``None``: the shipped 2022-02-04 snapshot (:func:`snapshot_dir`). ``"latest"``: the
        newest snapshot fetched by ``dsrgeo refresh tle``. Otherwise a TLE file, a folder of
        ``*.txt`` TLE files, TLE text, or a :class:`Satellites` (returned as is).

    Returns
    -------
    Satellites

    Raises
    ------
    RefreshError
        If ``"latest"`` is asked for but no refreshed TLEs exist.
    FileNotFoundError
        If a path does not exist.
    ParameterError
        If ``tles`` is an empty string.
    ElementSetError
        If a TLE line is malformed.

    Examples
    --------
    >>> load_satellites()
    Satellites(134: bds 50, gps 31, gal 28, glo 25; epochs 2022-01-29..2022-02-04)
    """
    if isinstance(tles, Satellites):
        return tles
    if tles is None:
        return read_tles(snapshot_dir())
    if isinstance(tles, str) and not tles.strip():
        raise ParameterError(
            f"{tles!r} names no TLE file or folder; give None (the shipped snapshot), "
            "'latest', a path, TLE text or Satellites",
            parameter="tles",
        )
    if isinstance(tles, str) and tles == "latest":
        latest = datadir.latest_tle_path()
        if latest is None:
            raise RefreshError(
                "tles='latest' but no refreshed TLEs were found; run `dsrgeo refresh tle` "
                "first, or use the shipped 2022-02-04 snapshot (tles=None; on the command line, "
                "leave out --tle)"
            )
        return read_tles(latest)
    return read_tles(tles)


def _checksum_error(line):
    """Return an error message for a bad TLE line, or None when it is sound."""
    if not line.isascii():  # str.isdigit, int() and SGP4 read other digits ("²", "٣") apart
        column, char = next((i, c) for i, c in enumerate(line, 1) if not c.isascii())
        return f"a TLE line is ASCII text; this one has {char!r} in column {column}"
    if len(line) != _TLE_LINE_CHARS:
        return f"a TLE line has {_TLE_LINE_CHARS} characters, this one has {len(line)}"
    if not line[-1].isdigit():
        return f"the last character {line[-1]!r} should be the checksum digit"
    body = line[:-1]  # the format's sum: each digit its value, each "-" one
    total = body.count("-") + sum(digit * body.count(str(digit)) for digit in range(1, 10))
    if total % 10 != int(line[-1]):
        return (
            f"checksum is {line[-1]} but the digits add up to {total % 10} (mod 10); "
            "the line is corrupted"
        )
    return None


def _parse(text, source):
    """Return (name, line1, line2, source) tuples from TLE text; raise on a bad line."""
    from sgp4.api import Satrec

    lines = [line.rstrip() for line in text.splitlines()]
    records = []
    name = None
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            index += 1
            continue
        if not line.startswith("1 "):
            if line.startswith("2 "):
                raise ElementSetError(
                    "found TLE line 2 without a line 1 before it",
                    source=source,
                    line_number=index + 1,
                )
            if name is not None:
                raise ElementSetError(
                    f"expected TLE line 1 after the name line {name!r}, found {line[:30]!r}",
                    source=source,
                    line_number=index + 1,
                )
            name = line[2:].strip() if line.startswith("0 ") else line.strip()
            index += 1
            continue
        if index + 1 >= len(lines) or not lines[index + 1].startswith("2 "):
            raise ElementSetError(
                "TLE line 1 is not followed by a line 2", source=source, line_number=index + 2
            )
        line1, line2 = line, lines[index + 1]
        for offset, tle_line in enumerate((line1, line2)):
            problem = _checksum_error(tle_line)
            if problem:
                raise ElementSetError(problem, source=source, line_number=index + 1 + offset)
        for offset, problem in enumerate((_epoch_error(line1), _line2_error(line2))):
            if problem:
                raise ElementSetError(problem, source=source, line_number=index + 1 + offset)
        if line1[2:7] != line2[2:7]:
            raise ElementSetError(
                f"satellite number {line1[2:7].strip()} on line 1 but "
                f"{line2[2:7].strip()} on line 2",
                source=source,
                line_number=index + 2,
            )
        try:
            Satrec.twoline2rv(line1, line2)
        except ValueError as err:
            raise ElementSetError(
                f"SGP4 cannot read this element set: {err}", source=source, line_number=index + 1
            ) from err
        records.append((name or f"NORAD {line1[2:7].strip()}", line1, line2, source))
        name = None
        index += 2
    if name is not None:
        raise ElementSetError(
            f"name line {name!r} is not followed by TLE lines",
            source=source,
            line_number=len(lines),
        )
    return records


def _epoch_error(line1):
    """Return why the epoch field of a TLE line 1 is unreadable, or None when it is sound.

    SGP4 reads whatever digits it finds there, so a line with a sound checksum can still
    carry a garbage epoch ("22abc.8472398x", day 400).
    """
    field = line1[18:32]
    match = _EPOCH_FIELD.fullmatch(field)
    if match is not None:
        year = _full_year(int(match.group(1)))
        days = 366 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 365
        if 1 <= float(f"{match.group(2).strip()}.{match.group(3)}") < days + 1:
            return None
        return (
            f"the epoch field {field!r} (columns 19-32) gives day {match.group(2).strip()} of "
            f"{year}, which has days 1-{days}; the line is corrupted"
        )
    return (
        f"the epoch field {field!r} (columns 19-32) is not a two-digit year and a day of the "
        "year such as '22035.84723981'; the line is corrupted"
    )


def _line2_error(line2):
    """Return why the inclination or mean motion of a TLE line 2 is unreadable, or None.

    These are the fields dsrgeo reads itself (for the orbit class), besides SGP4.
    """
    for name, field, pattern, example, high in (
        ("inclination", line2[8:16], _INCLINATION_FIELD, " 54.8527", 180.0),
        ("mean motion", line2[52:63], _MEAN_MOTION_FIELD, " 2.00557628", 20.0),
    ):
        where = f"the {name} field {field!r} (columns {_COLUMNS[name]})"
        if not pattern.fullmatch(field):
            return f"{where} is not a number such as {example!r}; the line is corrupted"
        value = float(field)
        if not (0.0 <= value <= high and (value > 0 or name == "inclination")):
            return f"{where} is {value:g}, outside (0, {high:g}]; the line is corrupted"
    return None


def _full_year(two_digits):
    """The TLE convention: 57-99 are 1957-1999, 00-56 are 2000-2056."""
    return two_digits + (1900 if two_digits >= 57 else 2000)


def _epoch(line1):
    """Return the UTC epoch of a TLE line 1 as datetime64[us] (checked by _epoch_error)."""
    year = _full_year(int(line1[18:20]))
    day_of_year = float(line1[20:32].replace(" ", ""))
    start = np.datetime64(f"{year:04d}-01-01T00:00:00", "us")
    return start + np.timedelta64(round((day_of_year - 1.0) * 86_400e6), "us")


def _orbit_class(line2):
    """Return GEO, IGSO or MEO from the inclination and mean motion on TLE line 2."""
    inclination_deg = float(line2[8:16])
    rev_per_day = float(line2[52:63])
    if rev_per_day >= _GEOSYNC_MAX_REV_PER_DAY:
        return "MEO"
    return "GEO" if inclination_deg < _GEO_MAX_INCLINATION_DEG else "IGSO"


def _to_satellites(records):
    """Deduplicate by satellite number (latest epoch wins), classify and sort."""
    latest = {}
    for name, line1, line2, source in records:
        number = line1[2:7].strip()
        satnum = int(number) if number.isdigit() else number  # Alpha-5 numbers stay text
        epoch = _epoch(line1)
        if satnum not in latest or epoch > latest[satnum][0]:
            latest[satnum] = (epoch, name, line1, line2, source, satnum)
    rows = sorted(
        latest.values(), key=lambda r: (SYSTEMS.index(constellation(r[1])), r[1], str(r[5]))
    )
    return Satellites(
        name=np.array([r[1] for r in rows], dtype=object),
        satnum=np.array([r[5] for r in rows], dtype=object),
        system=np.array([constellation(r[1]) for r in rows], dtype=object),
        orbit_class=np.array([_orbit_class(r[3]) for r in rows], dtype=object),
        epoch=np.array([r[0] for r in rows], dtype="datetime64[us]"),
        line1=np.array([r[2] for r in rows], dtype=object),
        line2=np.array([r[3] for r in rows], dtype=object),
        source=np.array([r[4] for r in rows], dtype=object),
    )
