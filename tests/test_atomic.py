"""Atomic writes: the old file or the new, never half, and no temporary left behind."""

import pytest

from leonet.atomic import atomic_write_bytes


def test_write_atomically_replaces_whole_or_not_at_all(tmp_path, monkeypatch):
    target = tmp_path / "a" / "b.bin"
    atomic_write_bytes(target, b"old")
    assert target.read_bytes() == b"old"

    def broken(_fd):
        raise KeyboardInterrupt

    monkeypatch.setattr("os.fsync", broken)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in target.parent.iterdir()] == ["b.bin"]  # no temporary left
