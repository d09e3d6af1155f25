"""[filter_scheduler] enabled_filters: the names nova_lite applies or
accepts, and those the conductor reports as not applied."""

from nova_lite.conductor import manager as conductor_manager
from nova_lite.scheduler import filters
from tests.fixtures import stack as stack_fixture


def test_nova_default_filters_are_all_known(tmp_path):
    conf = stack_fixture.make_conf(tmp_path)
    assert filters.unknown_filters(conf) == []


def test_conductor_names_filters_it_does_not_apply(tmp_path, monkeypatch):
    conf = stack_fixture.make_conf(tmp_path)
    conf.set_override('enabled_filters', [
        'ComputeFilter', 'SameHostFilter', 'AggregateInstanceExtraSpecsFilter',
        'NUMATopologyFilter'], group='filter_scheduler')
    assert filters.unknown_filters(conf) == [
        'AggregateInstanceExtraSpecsFilter', 'NUMATopologyFilter']
    warnings = []
    monkeypatch.setattr(conductor_manager.LOG, 'warning',
                        lambda msg, *args: warnings.append(msg % args))
    conductor_manager.ConductorManager(conf)
    assert warnings == [
        '[filter_scheduler] enabled_filters lists filters nova_lite does '
        'not apply: AggregateInstanceExtraSpecsFilter, NUMATopologyFilter']
