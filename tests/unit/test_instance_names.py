"""Instance names ([DEFAULT] instance_name_template), disk config and
scheduler hints as the request spec keeps them."""

import types

import pytest

from nova_lite.api.controllers import server_common
from nova_lite.api.views import servers as server_views
from nova_lite.compute import api as compute_api
from nova_lite.objects import instance as instance_obj
from nova_lite.virt.libvirt import driver as libvirt_driver

UUID = '6b1f0c5e-8d2e-4c3a-9f10-2a4b6c8d0e1f'


@pytest.fixture
def template():
    def _set(value):
        instance_obj.set_name_template(
            types.SimpleNamespace(instance_name_template=value))
    yield _set
    _set('instance-%08x')


def _instance(**kw):
    values = dict(id=None, uuid=UUID, hostname='web-1',
                  vm_state=instance_obj.ACTIVE, task_state=None)
    values.update(kw)
    return instance_obj.Instance(**values)


def test_default_template_is_the_hex_id(template):
    assert _instance(id=42).name == 'instance-0000002a'
    assert _instance(id=0x1234abcd).name == 'instance-1234abcd'
    assert libvirt_driver.domain_name(_instance(id=7)) == 'instance-00000007'


def test_named_fields_and_bad_templates(template):
    template('instance-%(uuid)s')
    assert _instance(id=3).name == 'instance-' + UUID
    template('%(hostname)s-%(id)d')
    assert _instance(id=3).name == 'web-1-3'
    template('%(nope)s')
    assert _instance(id=3).name == UUID


def test_build_requests_have_no_name_yet(template):
    building = _instance(vm_state=instance_obj.BUILDING,
                         task_state=instance_obj.SCHEDULING)
    assert building.name == ''
    # Without an id otherwise (never a row of its own): the uuid.
    assert _instance().name == UUID


def test_disk_config_values():
    assert server_common.disk_config_values({}) == {}
    assert server_common.disk_config_values(
        {'OS-DCF:diskConfig': 'AUTO'}) == {'auto_disk_config': True}
    assert server_common.disk_config_values(
        {'OS-DCF:diskConfig': 'MANUAL'}) == {'auto_disk_config': False}
    assert server_views.disk_config(True) == 'AUTO'
    assert server_views.disk_config(None) == 'MANUAL'


def test_scheduler_hints_as_lists_of_strings():
    assert compute_api.hints_as_lists(None) == {}
    assert compute_api.hints_as_lists({
        'group': UUID, 'same_host': [UUID], 'query': {'a': 1},
        'count': 3}) == {
        'group': [UUID], 'same_host': [UUID], 'query': ['{"a": 1}'],
        'count': ['3']}


@pytest.mark.parametrize('name,count,index,expected', [
    ('Web 01', 1, 0, 'web-01'),
    ('my_server.example', 1, 0, 'my-server-example'),
    ('--Hello, World!--', 1, 0, 'hello-world'),
    ('café', 1, 0, 'café'),
    ('日本', 1, 0, 'Server-' + UUID),
    ('x' * 70, 1, 0, 'x' * 63),
    ('batch', 3, 1, 'batch-2'),
])
def test_hostnames_derived_from_names(name, count, index, expected):
    assert compute_api._hostname(name, UUID, count, index) == expected
