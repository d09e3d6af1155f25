"""The microversion answers a server view reads, remembered per
microversion: each request gets its own version's answers, in any order."""

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
