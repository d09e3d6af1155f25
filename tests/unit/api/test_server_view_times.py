"""The server views' timestamps: orjson's text where it is the text
isoformat and strftime write, isoformat or strftime elsewhere."""

import datetime
import random

from nova_lite.api.views import servers as views


def _cases():
    cases = [datetime.datetime(1000, 1, 1),
             datetime.datetime(9999, 12, 31, 23, 59, 59, 999999),
             datetime.datetime(2026, 1, 2, 3, 4, 5),
             datetime.datetime(2026, 1, 2, 3, 4, 5, 1),
             datetime.datetime(2026, 1, 2, 3, 4, 5, 100000),
             datetime.datetime(999, 1, 1, 0, 0, 0, 5),
             datetime.datetime(2026, 1, 2, 3, 4, 5, 6,
                               tzinfo=datetime.timezone.utc)]
    rand = random.Random(7)
    for _ in range(2000):
        cases.append(datetime.datetime(
            rand.randint(1000, 9999), rand.randint(1, 12),
            rand.randint(1, 28), rand.randint(0, 23), rand.randint(0, 59),
            rand.randint(0, 59), rand.choice([0, rand.randint(0, 999999)])))
    return cases


def test_isotime_is_nova_text():
    for when in _cases():
        want = when.strftime('%Y-%m-%dT%H:%M:%SZ') if when.year < 1000 \
            or when.tzinfo else when.isoformat(timespec='seconds') + 'Z'
        assert views._isotime(when) == want, when
    assert views._isotime(None) is None


def test_usage_time_keeps_microseconds():
    for when in _cases():
        want = when.strftime('%Y-%m-%dT%H:%M:%S.%f') if when.year < 1000 \
            or when.tzinfo else when.isoformat(timespec='microseconds')
        assert views._usage_time(when) == want, when
    assert views._usage_time(datetime.datetime(2026, 1, 2, 3, 4, 5)) == \
        '2026-01-02T03:04:05.000000'
    assert views._usage_time(None) is None


def test_datetime_subclass_is_formatted_as_before():
    class Later(datetime.datetime):
        pass
    when = Later(2026, 1, 2, 3, 4, 5, 6)
    assert views._isotime(when) == '2026-01-02T03:04:05Z'
    assert views._usage_time(when) == '2026-01-02T03:04:05.000006'
