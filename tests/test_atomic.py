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


def test_file_sha256_equals_hashlib_over_several_blocks(tmp_path):
    import hashlib

    from leonet.atomic import file_sha256

    data = bytes(range(256)) * 9_000  # ~2.2 MiB: three 1 MiB blocks
    path = tmp_path / "blob"
    path.write_bytes(data)
    assert file_sha256(path) == hashlib.sha256(data).hexdigest()
