"""CelesTrak downloads through httpx.MockTransport: cache hits, offline fallback, errors."""

from __future__ import annotations

import os
import time
import warnings

import httpx
import pytest

from leonet.space.celestrak import CelestrakError, default_cache_dir, download_group

TLE = (
    "STARLINK-1008\n"
    "1 44714U 19074B   26150.30936191  .00080211  00000+0  15180-2 0  9995\n"
    "2 44714  53.1513 154.1788 0003034  54.2939 305.8351 15.47704531361446\n"
)


class Recorder:
    def __init__(self, body: str = TLE, status: int = 200) -> None:
        self.requests: list[httpx.Request] = []
        self.body, self.status = body, status

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(self.status, text=self.body)


def offline(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("name resolution failed", request=request)


def test_download_writes_cache_and_reuses_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    server = Recorder()
    path = download_group("starlink", cache_dir=tmp_path, transport=httpx.MockTransport(server))
    assert path == tmp_path / "starlink.txt" and path.read_text() == TLE
    url = server.requests[0].url
    assert url.host == "celestrak.org" and url.path == "/NORAD/elements/gp.php"
    assert dict(url.params) == {"GROUP": "starlink", "FORMAT": "tle"}
    again = download_group("starlink", cache_dir=tmp_path, transport=httpx.MockTransport(server))
    assert again == path and len(server.requests) == 1  # fresh cache: no request
    assert not list(tmp_path.glob(".*part"))  # atomic write left no temporaries


def test_stale_cache_is_refreshed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "starlink.json"
    path.write_text("[]")
    old = time.time() - 5 * 3600
    os.utime(path, (old, old))
    server = Recorder('[{"OBJECT_NAME": "X"}]')
    download_group(
        "starlink", cache_dir=tmp_path, format="json", transport=httpx.MockTransport(server)
    )
    assert len(server.requests) == 1 and path.read_text().startswith('[{"OBJECT_NAME"')


def test_offline_uses_cached_copy_with_warning(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "oneweb.txt"
    path.write_text(TLE)
    old = time.time() - 30 * 3600
    os.utime(path, (old, old))
    with pytest.warns(UserWarning, match=r"cannot reach CelesTrak .*30\.0 hours old"):
        got = download_group("oneweb", cache_dir=tmp_path, transport=httpx.MockTransport(offline))
    assert got == path


def test_offline_without_cache_explains_what_to_do(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CelestrakError) as info:
        download_group("starlink", cache_dir=tmp_path, transport=httpx.MockTransport(offline))
    text = str(info.value)
    assert "no network (ConnectError" in text and "no cached copy in" in text
    assert "load_catalogue('starlink.tle')" in text and "bundled_catalogue('starlink')" in text


def test_timeout_counts_as_offline(tmp_path) -> None:  # type: ignore[no-untyped-def]
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(CelestrakError, match="ReadTimeout"):
        download_group("starlink", cache_dir=tmp_path, transport=httpx.MockTransport(slow))


def test_unknown_group_answer_is_an_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    server = Recorder("Invalid query: GROUP=starlnk", status=200)
    with pytest.raises(CelestrakError, match="check the group name"):
        download_group("starlnk", cache_dir=tmp_path, transport=httpx.MockTransport(server))
    assert not (tmp_path / "starlnk.txt").exists()


@pytest.mark.parametrize("group", ["star link", "../etc", "", "gps;rm"])
def test_group_name_validated(group: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="letters, digits, '-' and '_'"):
        download_group(group, cache_dir=tmp_path, transport=httpx.MockTransport(offline))


def test_default_cache_dir_follows_xdg(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("LEONET_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "leonet" / "celestrak"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        server = Recorder()
        path = download_group("starlink", transport=httpx.MockTransport(server))
    assert path.parent == tmp_path / "leonet" / "celestrak"
