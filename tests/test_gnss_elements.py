"""Tests for dsrgeo.gnss.elements: reading TLEs, checksums, constellations, orbit classes."""

import collections
import re

import numpy as np
import pytest

import dsrgeo
from dsrgeo.errors import ElementSetError, ParameterError, RefreshError
from dsrgeo.gnss import elements, load_satellites, read_tles, snapshot_dir

# CelesTrak beidou.txt of 2022-02-04, first satellite (a BDS-2 GEO at 140 E)
C01 = (
    "BEIDOU 3 (C01)          \n"
    "1 36287U 10001A   22035.84723981 -.00000290  00000+0  00000+0 0  9992\n"
    "2 36287   1.8549  46.9953 0001908  29.4696 143.8931  1.00272402 44189\n"
)
# CelesTrak gps-ops.txt of 2022-02-04, first satellite
GPS_PRN13 = (
    "GPS BIIR-2  (PRN 13)    \n"
    "1 24876U 97035A   22034.74285222  .00000014  00000+0  00000+0 0  9997\n"
    "2 24876  55.4947 160.8899 0056167  53.9030 306.5827  2.00563299179979\n"
)


def test_shipped_2022_snapshot_counts():
    # the oracle: line-1 records counted in CelesTrak's files as plain text, one file per group
    files = {"bds": "beidou.txt", "gps": "gps-ops.txt", "gal": "galileo.txt", "glo": "glo-ops.txt"}
    expected = {
        system: sum(
            line.startswith("1 ") for line in (snapshot_dir() / name).read_text().splitlines()
        )
        for system, name in files.items()
    }
    assert expected == {"bds": 50, "gps": 31, "gal": 28, "glo": 25}
    sats = read_tles(snapshot_dir())
    assert collections.Counter(sats.system) == expected
    assert len(set(sats.satnum)) == 134
    assert repr(sats) == (
        "Satellites(134: bds 50, gps 31, gal 28, glo 25; epochs 2022-01-29..2022-02-04)"
    )


def test_2026_snapshot_crlf_and_sbas_kept_apart():
    # counts from layers/sources/gnss/2026-06-06/SOURCE.md; GSAT-nn (GAGAN) are not Galileo
    sats = read_tles(snapshot_dir("2026-06-06") / "gnss.txt")
    assert collections.Counter(sats.system) == {
        "bds": 54,
        "gps": 32,
        "gal": 33,
        "glo": 28,
        "qzss": 5,
        "navic": 7,
        "sbas": 13,
    }
    gagan = sorted(n for n in sats.name if n.startswith("GSAT-"))
    assert gagan == [
        "GSAT-10 (GAGAN/PRN 128)",
        "GSAT-15 (GAGAN/PRN 139)",
        "GSAT-8 (GAGAN/PRN 127)",
    ]
    assert set(sats.system[np.isin(sats.name, gagan)]) == {"sbas"}
    assert not any("\r" in line for line in sats.line1)


def test_beidou_orbit_classes_from_elements():
    sats = read_tles(snapshot_dir())
    by_name = dict(zip(sats.name, sats.orbit_class))
    assert by_name["BEIDOU 3 (C01)"] == "GEO"  # inclination 1.85 deg, 1.0027 rev/day
    assert by_name["BEIDOU IGSO-6 (C13)"] == "IGSO"
    assert by_name["BEIDOU-3 M1 (C19)"] == "MEO"
    bds = sats[sats.system == "bds"]
    assert collections.Counter(bds.orbit_class) == {"MEO": 29, "IGSO": 12, "GEO": 9}
    assert set(sats.orbit_class[sats.system != "bds"]) == {"MEO"}


def test_sample_fixture_every_family(test_data):
    sats = read_tles(test_data / "gnss_sample.tle")
    assert dict(zip(sats.name, sats.system)) == {
        "BEIDOU-3 G1 (C59)": "bds",
        "BEIDOU-3 IGSO-1 (C38)": "bds",
        "BEIDOU-3 M1 (C19)": "bds",
        "GPS BIII-1  (PRN 04)": "gps",
        "GSAT0101 (GALILEO-PFM)": "gal",
        "COSMOS 2433 (720)": "glo",
        "QZS-2 (QZSS/PRN 194)": "qzss",
        "IRNSS-1C": "navic",
        "GSAT-8 (GAGAN/PRN 127)": "sbas",
    }


def test_epoch_matches_sgp4():
    from sgp4.api import Satrec

    sats = read_tles(C01)
    rec = Satrec.twoline2rv(sats.line1[0], sats.line2[0])
    epoch_jd = (sats.epoch[0] - np.datetime64("2000-01-01T12:00")) / np.timedelta64(1, "D")
    one_microsecond_days = 1e-6 / 86400
    assert epoch_jd == pytest.approx(
        (rec.jdsatepoch - 2451545.0) + rec.jdsatepochF, abs=one_microsecond_days
    )


def test_two_line_format_and_name_from_number():
    two_lines = "".join(C01.splitlines(keepends=True)[1:])
    assert read_tles(two_lines).name.tolist() == ["NORAD 36287"]


def test_three_line_format_with_zero_prefix():
    text = "0 " + C01
    assert read_tles(text).name.tolist() == ["BEIDOU 3 (C01)"]


def test_latest_epoch_wins_for_duplicates():
    newer = C01.replace("22035.84723981", "22036.84723981").replace("9992", "9993")
    sats = read_tles(C01 + newer + GPS_PRN13)
    assert len(sats) == 2
    assert str(sats.epoch[sats.system == "bds"][0])[:10] == "2022-02-05"


def test_folder_and_file_and_text_agree(tmp_path):
    (tmp_path / "a.txt").write_text(C01)
    (tmp_path / "b.txt").write_text(GPS_PRN13)
    (tmp_path / "ignored.csv").write_text("not a TLE")
    from_folder = read_tles(tmp_path)
    from_text = read_tles(C01 + GPS_PRN13)
    assert (
        from_folder.name.tolist()
        == from_text.name.tolist()
        == [
            "BEIDOU 3 (C01)",
            "GPS BIIR-2  (PRN 13)",
        ]
    )
    assert from_folder.source.tolist() == [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]


def test_bad_checksum_names_file_and_line(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text(C01 + GPS_PRN13.replace("179979", "179978"))
    with pytest.raises(ElementSetError) as caught:
        read_tles(path)
    err = caught.value
    assert isinstance(err, ValueError)
    assert err.source == str(path) and err.line_number == 6
    assert f"{path}:line 6: checksum is 8 but the digits add up to 9" in str(err)


@pytest.mark.parametrize(
    "text, line_number, words",
    [
        (C01.replace(" 9992", "9992"), 2, "has 68"),  # a character lost
        ("".join(C01.splitlines(keepends=True)[:2]), 3, "not followed by a line 2"),
        (C01.splitlines(keepends=True)[2], 1, "line 2 without a line 1"),
        ("BEIDOU\nGPS\n" + GPS_PRN13, 2, "expected TLE line 1"),
        (C01.replace("2 36287", "2 36288").replace("44189", "44180"), 3, "satellite number"),
        (C01 + "DANGLING NAME\n", 4, "not followed by TLE lines"),
        # digits to str.isdigit (and some to int()) but not to the format or SGP4: refused by
        # name, not a bare ValueError from int() nor an epoch read in other digits
        (C01.replace("0  9992", "0  999\u00b2"), 2, "has '\u00b2' in column 69"),
        (C01.replace("22035.8", "22035.\u00b2"), 2, "has '\u00b2' in column 25"),
        (
            C01.replace("22035.8", "2203\u0665.8"),
            2,
            "ASCII text; this one has '\u0665' in column 23",
        ),
    ],
)
def test_malformed_lines(text, line_number, words):
    with pytest.raises(ElementSetError, match=words) as caught:
        read_tles(text)
    assert caught.value.line_number == line_number
    assert caught.value.source == "<text>"


def _edit(text, line_index, start, new):
    """Put ``new`` at column ``start`` (0-based) of a line and fix that line's checksum
    (the TLE rule: digits add up, each '-' counts 1, modulo 10)."""
    lines = text.splitlines()
    line = lines[line_index]
    line = line[:start] + new + line[start + len(new) : 68]
    total = sum(int(c) if c.isdigit() else (1 if c == "-" else 0) for c in line)
    lines[line_index] = line + str(total % 10)
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "line_index, start, new, words",
    [
        (1, 18, "22abc.84723981", "epoch field '22abc.84723981' (columns 19-32) is not"),
        (1, 18, "22035.8472398x", "epoch field '22035.8472398x'"),
        (1, 18, "  035.84723981", "epoch field '  035.84723981'"),
        (1, 18, "22000.50000000", "gives day 000 of 2022, which has days 1-365"),
        (1, 18, "23366.50000000", "gives day 366 of 2023, which has days 1-365"),
        (2, 8, " .54.852", "inclination field ' .54.852' (columns 9-16) is not a number"),
        (2, 8, "200.0000", "inclination field '200.0000' (columns 9-16) is 200, outside"),
        (2, 52, " 0.00000000", "mean motion field ' 0.00000000' (columns 53-63) is 0, outside"),
        (2, 52, " 1.0027240x", "mean motion field ' 1.0027240x'"),
    ],
)
def test_garbage_fields_with_a_sound_checksum(line_index, start, new, words):
    """SGP4 reads whatever it finds in these columns: dsrgeo checks the fields it reads."""
    text = _edit(C01, line_index, start, new)
    with pytest.raises(ElementSetError, match=re.escape(words)) as caught:
        read_tles(text, source="https://example.org/gnss.txt")
    assert caught.value.line_number == line_index + 1


def test_sound_epoch_fields_are_read():
    # day 366 exists in 2024; a space-padded day ("22 35.8...") is the same as "22035.8..."
    assert (
        str(read_tles(_edit(C01, 1, 18, "24366.50000000")).epoch[0]) == "2024-12-31T12:00:00.000000"
    )
    padded = read_tles(_edit(C01, 1, 18, "22 35.84723981")).epoch[0]
    assert padded == read_tles(C01).epoch[0]


def test_text_with_a_source_is_never_a_path(tmp_path, monkeypatch):
    url = "https://example.org/gnss.txt"
    assert len(read_tles("", source=url)) == 0  # "" would otherwise be the current folder
    one_line = C01.splitlines()[1]
    monkeypatch.chdir(tmp_path)
    (tmp_path / one_line).write_text(C01)  # a file named like the text is not read
    with pytest.raises(
        ElementSetError, match=r"^https://example\.org/gnss\.txt:line 2: "
    ) as caught:
        read_tles(one_line, source=url)
    assert caught.value.source == url and caught.value.line_number == 2
    assert read_tles(C01, source=url).source.tolist() == [url]


def test_missing_path_and_empty_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="neither a file nor a folder"):
        read_tles(tmp_path / "nope.txt")
    with pytest.raises(FileNotFoundError, match=r"no \*\.txt TLE files"):
        read_tles(tmp_path)


@pytest.mark.parametrize("blank", ["", "   "])
def test_empty_string_is_not_the_current_folder(blank, tmp_path, monkeypatch):
    # issue 11 item 12: Path("") is ".", so "" used to read the current folder's *.txt
    (tmp_path / "stray.txt").write_text(C01)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ParameterError, match="path_or_text: .* names no TLE file"):
        read_tles(blank)
    with pytest.raises(ParameterError, match="tles: .* names no TLE file"):
        load_satellites(blank)
    assert len(read_tles(blank, source="https://example.org/empty.txt")) == 0


def test_latest_without_refresh_says_what_to_run(tmp_path, monkeypatch):
    monkeypatch.setenv("DSRGEO_DATA_DIR", str(tmp_path))
    with pytest.raises(RefreshError, match="dsrgeo refresh tle"):
        elements.load_satellites("latest")


def test_unknown_snapshot_lists_shipped():
    with pytest.raises(FileNotFoundError, match="2022-02-04, 2026-06-06"):
        snapshot_dir("1999-01-01")


def test_selection_and_frame():
    sats = read_tles(C01 + GPS_PRN13)
    gps = sats[sats.system == "gps"]
    assert repr(gps) == "Satellites(1: gps 1; epochs 2022-02-03..2022-02-03)"
    assert repr(sats[1]) == repr(gps)  # one satellite is still a Satellites
    frame = gps.to_frame()
    assert frame.columns.tolist() == ["name", "satnum", "system", "orbit_class", "epoch", "source"]
    assert str(frame.epoch.dt.tz) == "UTC"


def test_public_names():
    assert dsrgeo.gnss.read_tles is read_tles
    assert dsrgeo.gnss.Satellites is elements.Satellites
