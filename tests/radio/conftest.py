"""A one-terminal radio model (Kyiv) with a satellite placed overhead — few itur calls."""

import numpy as np
import pytest

from leonet.ground import Sites


@pytest.fixture(scope="session")
def kyiv_model():
    from leonet.radio import RadioConfig, RadioModel

    sites = Sites(["Kyiv", "Lviv"], [50.45, 49.84], [30.52, 24.03])
    return RadioModel(sites, 3, config=RadioConfig(interference=True))


@pytest.fixture(scope="session")
def overhead(kyiv_model):
    """Satellites 550 km above Kyiv, above Lviv, and 300 km east of Kyiv's zenith point."""
    s = kyiv_model.sites
    up = s.enu[:, 2]
    east = s.enu[0, 0]
    return np.stack(
        [
            s.ecef_km[0] + 550 * up[0],
            s.ecef_km[1] + 550 * up[1],
            s.ecef_km[0] + 550 * up[0] + 300 * east,
        ]
    )
