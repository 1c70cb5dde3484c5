"""leonet's cache folder: where it is."""

from pathlib import Path

from leonet.cache import cache_dir


def test_cache_dir_follows_leonet_cache_dir_then_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("LEONET_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir("atmosphere") == tmp_path / "xdg" / "leonet" / "atmosphere"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_dir() == Path.home() / ".cache" / "leonet"
    monkeypatch.setenv("LEONET_CACHE_DIR", str(tmp_path / "mine"))
    assert cache_dir("celestrak") == tmp_path / "mine" / "celestrak"
