import pytest

from coursekit.common.atomic import atomic_path, atomic_write_text


def test_atomic_write_replaces(tmp_path):
    p = tmp_path / "f.txt"
    atomic_write_text(p, "one")
    atomic_write_text(p, "two")
    assert p.read_text() == "two"
    assert [x.name for x in tmp_path.iterdir()] == ["f.txt"]


@pytest.mark.parametrize("exc", [RuntimeError, KeyboardInterrupt])
def test_interrupted_write_leaves_old_file_and_no_temp(tmp_path, exc):
    p = tmp_path / "f.txt"
    p.write_text("old")
    with pytest.raises(exc), atomic_path(p) as tmp:
        tmp.write_text("half")
        raise exc()
    assert p.read_text() == "old"
    assert [x.name for x in tmp_path.iterdir()] == ["f.txt"]
