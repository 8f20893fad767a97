"""Colours readers can tell apart, including readers with colour-vision deficiency (CVD).

Vision is simulated with colorspacious's implementation of Machado, Oliveira and Fernandes,
"A Physiologically-based Model for Simulation of Color Vision Deficiency", IEEE Transactions
on Visualization and Computer Graphics 15(6), 2009, at severity 100 (dichromacy: protanopia,
deuteranopia, tritanopia). Distances are CIECAM02-UCS Delta E (Luo, Cui and Li, "Uniform
colour spaces based on CIECAM02 colour appearance model", Color Research & Application 31(4),
2006), in which about 1 is a just noticeable difference for large patches; ``MIN_DELTA_E``
asks for ten times that between any two categories a legend shows, since map swatches and
dots are small.
"""

import functools
import itertools

import colorspacious
import numpy as np
import pytest

import dsrgeo
from dsrgeo import catalog
from dsrgeo.maps import Map
from dsrgeo.styles import CATEGORICAL_PALETTE, colormap

MIN_DELTA_E = 10.0
VISIONS = ("normal", "protanomaly", "deuteranomaly", "tritanomaly")
#: A ramp is sampled this finely when categories are compared with it
RAMP_SAMPLES = 32


def _rgb(colors):
    from matplotlib.colors import to_rgb

    return np.array([to_rgb(c) for c in colors])


def _seen(rgb, vision):
    if vision == "normal":
        return rgb
    space = {"name": "sRGB1+CVD", "cvd_type": vision, "severity": 100}
    return np.clip(colorspacious.cspace_convert(rgb, space, "sRGB1"), 0, 1)


def _delta_e(a, b):
    return colorspacious.deltaE(a, b, input_space="sRGB1", uniform_space="CAM02-UCS")


def closest_pair(colors, vision):
    """The smallest Delta E between two of ``colors`` as seen with ``vision``, and the pair."""
    seen = _seen(_rgb(colors), vision)
    return min(
        (_delta_e(seen[i], seen[j]), colors[i], colors[j])
        for i, j in itertools.combinations(range(len(colors)), 2)
    )


def test_the_simulation_matches_a_hand_check():
    # pure red and pure green are the textbook pair a deuteranope confuses: far apart in normal
    # vision, close with the simulated deficiency (the test can fail if the model is wrong)
    red_green = ["#ff0000", "#00a000"]
    assert closest_pair(red_green, "normal")[0] > 40
    assert closest_pair(red_green, "deuteranomaly")[0] < closest_pair(red_green, "normal")[0] / 2
    # blue and yellow stay apart for red-green deficiency
    assert closest_pair(["#0000ff", "#ffff00"], "deuteranomaly")[0] > 40


@pytest.mark.parametrize("vision", VISIONS)
def test_default_categorical_palette_stays_apart(vision):
    distance, a, b = closest_pair(list(CATEGORICAL_PALETTE), vision)
    assert distance >= MIN_DELTA_E, (vision, a, b, round(distance, 1))


@functools.cache
def _legend(layer_id):
    """The legend of a map of the layer (made once: collection and every vision share it)."""
    return Map().add(layer_id).layers[-1].legend


def _categorical_layers():
    return [layer_id for layer_id in catalog.layer_ids() if len(_legend(layer_id).entries) > 1]


@pytest.mark.parametrize("layer_id", _categorical_layers())
@pytest.mark.parametrize("vision", VISIONS)
def test_every_legend_of_the_catalog_stays_apart(layer_id, vision):
    """The entries of each layer's legend, and its ramp against them, as the page draws them."""
    legend = _legend(layer_id)
    colors = list(dict.fromkeys(color for _, color in legend.entries))
    distance, a, b = closest_pair(colors, vision)
    assert distance >= MIN_DELTA_E, (layer_id, vision, a, b, round(distance, 1))
    if legend.kind == "continuous":
        ramp = colormap(legend.colormap or None)(np.linspace(0, 1, RAMP_SAMPLES))[:, :3]
        seen_ramp = _seen(ramp, vision)
        for color in colors:
            seen = _seen(_rgb([color]), vision)[0]
            nearest = min(_delta_e(seen, r) for r in seen_ramp)
            assert nearest >= MIN_DELTA_E, (layer_id, vision, color, round(nearest, 1))


@pytest.mark.parametrize("vision", VISIONS)
def test_hmn_cables_stand_out_from_the_other_cables(vision):
    layers = {layer.layer_id: layer for layer in dsrgeo.Map.default().layers}
    pair = [layers["cables"].colors[0], layers["hmn_cables"].colors[0]]
    distance, _, _ = closest_pair(pair, vision)
    assert distance >= 2 * MIN_DELTA_E, (vision, pair, round(distance, 1))
