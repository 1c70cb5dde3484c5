import pytest

from leonet.ground import country, find_place, load_places


def test_every_bundled_place_lies_inside_ukraine():
    places = load_places()
    inside = country("Ukraine").contains(places.lat_deg, places.lon_deg)
    assert len(places) >= 50
    assert inside.all(), list(places.names[~inside])


def test_categories_split_cities_and_front_line():
    assert len(load_places("city")) + len(load_places("front-line")) == len(load_places())
    with pytest.raises(ValueError, match="valid categories"):
        load_places("village")


def test_find_place_by_name_coordinates_and_gateway():
    assert find_place("kyiv")[0] == "Kyiv"
    assert find_place(" 50.0, 30.5 ")[1:] == (50.0, 30.5)
    with pytest.raises(ValueError, match="latitude must be in"):
        find_place("95,30")


def test_unknown_place_suggests_the_closest():
    with pytest.raises(ValueError, match="Closest: Kyiv"):
        find_place("Kiev")
