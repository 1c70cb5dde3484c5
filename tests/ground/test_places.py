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
        find_place("Kyvi")
    with pytest.raises(ValueError, match=r"Closest: .*Frankfurt am Main, DE"):
        find_place("Frankfurt am Mein")


# GeoNames positions checked against a second authority: Wikipedia's city-centre
# coordinates (GeoNames and Wikipedia pick different centre points; 10 km covers that).
@pytest.mark.parametrize(
    ("query", "label", "lat", "lon"),
    [
        ("Paris", "Paris, FR", 48.8567, 2.3522),
        ("Paris, US", "Paris, US", 33.6609, -95.5555),  # Paris, Texas
        ("Tokyo", "Tokyo, JP", 35.6897, 139.6922),
        ("Nairobi", "Nairobi, KE", -1.2864, 36.8172),
        ("sao paulo", "São Paulo, BR", -23.5505, -46.6333),
        ("Kiev", "Kyiv, UA", 50.4501, 30.5234),  # an alternate name of GeoNames
    ],
)
def test_any_world_city_resolves_within_10_km(query, label, lat, lon):
    from leonet.ground import great_circle_km

    name, got_lat, got_lon = find_place(query)
    assert name == label
    assert great_circle_km(got_lat, got_lon, lat, lon) < 10.0


def test_ambiguous_city_is_the_most_populous_unless_the_country_is_given():
    from leonet.ground import find_city

    springfield = find_city("Springfield")
    assert springfield.population >= 150_000  # Springfield, Missouri, the largest
    assert find_city("Paris").country_code == "FR"
    assert find_city("Paris, us").country_code == "US"
    with pytest.raises(KeyError, match="no city 'Paris' in DE; there is one in: FR"):
        find_city("Paris, DE")
    with pytest.raises(ValueError, match="ISO 3166-1 alpha-2"):
        find_place("Paris, USA")


def test_bundled_names_come_before_the_gazetteer():
    assert find_place("Kyiv")[0] == "Kyiv"  # the bundled place, not 'Kyiv, UA'
    assert find_place("50.45,30.52")[0] == "50.45,30.52"
