import datetime

from oslo_utils import timeutils

from nova_lite.objects import service as service_obj


def _svc(**kw):
    values = dict(id=1, uuid='u', host='h', binary='nova-compute',
                  topic='compute', report_count=1, disabled=False,
                  disabled_reason=None, forced_down=False, version=3,
                  last_seen_up=None, created_at=None, updated_at=None,
                  deleted_at=None)
    values.update(kw)
    return service_obj.Service(**values)


def test_up_within_service_down_time():
    now = timeutils.utcnow()
    assert _svc(last_seen_up=now - datetime.timedelta(seconds=59)).is_up(60)
    assert not _svc(last_seen_up=now - datetime.timedelta(seconds=61)
                    ).is_up(60)


def test_created_at_counts_when_never_seen():
    now = timeutils.utcnow()
    assert _svc(created_at=now).is_up(60)
    assert not _svc().is_up(60)


def test_forced_down_is_down_whatever_the_heartbeat():
    assert not _svc(forced_down=True,
                    last_seen_up=timeutils.utcnow()).is_up(60)


def test_service_version_history():
    assert service_obj.SERVICE_VERSION >= service_obj.MIN_COMPUTE_MULTIATTACH
    assert service_obj.MIN_COMPUTE_MULTIATTACH > 0
