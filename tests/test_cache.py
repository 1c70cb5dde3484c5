"""leonet's cache folder: where it is, and atomic writes into it."""

from pathlib import Path

import pytest

from leonet.cache import cache_dir, write_atomically


def test_cache_dir_follows_leonet_cache_dir_then_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("LEONET_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir("atmosphere") == tmp_path / "xdg" / "leonet" / "atmosphere"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_dir() == Path.home() / ".cache" / "leonet"
    monkeypatch.setenv("LEONET_CACHE_DIR", str(tmp_path / "mine"))
    assert cache_dir("celestrak") == tmp_path / "mine" / "celestrak"


def test_write_atomically_replaces_whole_or_not_at_all(tmp_path, monkeypatch):
    target = tmp_path / "a" / "b.bin"
    write_atomically(target, b"old")
    assert target.read_bytes() == b"old"

    def broken(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr("os.fsync", broken)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in target.parent.iterdir()] == ["b.bin"]  # no temporary left
