"""Flavor extra spec validation (2.86) with nova's messages."""

import pytest

from nova_lite.api import extra_specs
from nova_lite import exception


@pytest.mark.parametrize('name,value', [
    ('hw:cpu_policy', 'dedicated'), ('hw:numa_cpus.0', '0-3'),
    ('foo', 'bar'), ('unknown:x', '1'), ('quota:cpu_quota', '-5'),
    ('resources:VCPU', '1'), ('resources_GROUP1:CUSTOM_X', '2'),
    ('trait:HW_CPU_X86_AVX', 'required'), ('trait1:CUSTOM_T', 'forbidden'),
    ('aggregate_instance_extra_specs:ssd', 'true'),
    ('capabilities:vcpus', '4'), ('hw:mem_page_size', 'large'),
    ('hw:mem_page_size', '2MB'), ('group_policy', 'none'),
    ('hw_rng:allowed', 'True'), ('hw:cpu_realtime_mask', '^0-1'),
])
def test_accepted(name, value):
    extra_specs.validate(name, value)


@pytest.mark.parametrize('name,value,message', [
    ('hw:cpu_policy', 'foo',
     "Validation failed; 'foo' is not one of: dedicated, shared, mixed."),
    ('hw:numa_nodes', 'x',
     "Validation failed; 'x' is not a valid integer value."),
    ('hw:numa_nodes', '0',
     "Validation failed; '0' is less than the min value of '1'."),
    ('hw:foo', 'bar', "Validation failed; extra spec 'hw:foo' does not "
     "appear to be a valid extra spec."),
    ('quota:disk_read_bytes_sec', 'abc',
     "Validation failed; 'abc' is not a valid integer value."),
    ('trait:HW', 'bogus', "Validation failed; extra spec 'trait:HW' does "
     "not appear to be a valid extra spec."),
    ('trait:HW_CPU_X86_AVX', 'maybe',
     "Validation failed; 'maybe' is not one of: required, forbidden."),
    ('hw_rng:allowed', 'maybe',
     "Validation failed; 'maybe' is not a valid boolean-like value."),
    ('capabilities:bogus', '4', "Validation failed; extra spec "
     "'capabilities:bogus' does not appear to be a valid extra spec."),
    ('hide_hypervisor_id', 'maybe',
     "Validation failed; 'maybe' is not a valid boolean-like value."),
])
def test_refused(name, value, message):
    with pytest.raises(exception.ValidationError) as error:
        extra_specs.validate(name, value)
    assert error.value.format_message() == message
    assert error.value.code == 400


def test_every_known_family_is_loaded():
    for namespace in ('hw', 'hw_rng', 'quota', 'aggregate_instance_extra_specs',
                      'capabilities', 'os', 'hw_video', 'accel', 'vmware',
                      'pci_passthrough'):
        assert namespace in extra_specs.NAMESPACES
    assert any(ns.startswith('resources(') for ns in extra_specs.NAMESPACES)
    assert any(ns.startswith('trait(') for ns in extra_specs.NAMESPACES)
    assert len(extra_specs.SPECS) == 525
