"""Server view helpers: the microversion answers a view reads, remembered
per microversion (each request gets its own version's answers, in any
order), and times written as nova writes them."""

import datetime
import types

from nova_lite.api import microversion
from nova_lite.api.views import servers as views


def _req(version):
    return types.SimpleNamespace(environ={
        microversion.ENVIRON_KEY: microversion.APIVersion(version)})


def test_answers_follow_each_requests_microversion():
    views._ANSWERS.clear()
    for _round in range(2):
        for version in ('2.1', '2.47', '2.2', '2.96', '2.46', '2.9'):
            answers = views._versions(_req(version))
            assert answers == {
                v: microversion.APIVersion(version) >= v
                for v in views._VERSIONS}, version
    assert views._versions(_req('2.47'))['2.47'] is True
    assert views._versions(_req('2.46'))['2.47'] is False
    assert len(views._ANSWERS) == 6
    # A request without a version is read as the minimum, 2.1.
    assert views._versions(types.SimpleNamespace(environ={})) == \
        views._versions(_req('2.1'))


def test_times_written_as_strftime_writes_them():
    utc = datetime.timezone.utc
    cases = [datetime.datetime(2026, 12, 3, 15, 4, 5),
             datetime.datetime(2026, 1, 2, 3, 4, 5, 6),
             datetime.datetime(2026, 1, 2, 3, 4, 5, 999999),
             datetime.datetime(9999, 12, 31, 23, 59, 59),
             datetime.datetime(1000, 1, 1),
             datetime.datetime(999, 1, 1, 1, 1, 1),
             datetime.datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=utc)]
    for when in cases:
        assert views._isotime(when) == when.strftime(
            '%Y-%m-%dT%H:%M:%SZ'), when
        assert views._usage_time(when) == when.strftime(
            '%Y-%m-%dT%H:%M:%S.%f'), when
    assert views._isotime(datetime.datetime(2026, 1, 2, 3, 4, 5, 6)) == \
        '2026-01-02T03:04:05Z'
    assert views._isotime(None) is None and views._usage_time(None) is None
