"""Process caches, one mechanism (common/memo.py): a memo of data follows its version, every memo
is registered, and one call empties them all (tests/conftest.py, before each test)."""

from common import memo


def test_it_keeps_a_value_until_its_version_moves_on():
    version, reads = ["v1"], []
    kept = memo.Memo("test: versioned", version=lambda: version[0])
    read = lambda: reads.append(1) or len(reads)  # noqa: E731
    assert kept.get("k", read) == 1 and kept.get("k", read) == 1
    version[0] = "v2"
    assert kept.get("k", read) == 2
    assert kept.kept("k", "v2") == 2 and kept.kept("k", "v1") is None


def test_one_call_empties_every_process_cache():
    calls = []

    @memo.memoize("test: memoized")
    def square(n):
        calls.append(n)
        return n * n

    assert square(3) == 9 and square(3) == 9 and calls == [3]
    memo.clear_all()
    assert square(3) == 9 and calls == [3, 3]
    names = {m.name for m in memo.registered()}
    # the caches of the portal are all in the registry
    assert {"fiscal years", "framework catalogues", "ITA answers", "verified published files", "status badges",
            "glyph tables", "admin page templates"} <= names


def test_a_bounded_memo_starts_again_when_full():
    kept = memo.Memo("test: bounded", max_size=2)
    for key in "abc":
        kept.put(key, key)
    assert kept.peek("c") == "c" and kept.peek("a") is None
