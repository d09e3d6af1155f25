"""The deployed benchmark's reading of the workload script's documents:
CPU per process group per operation, the same groups for both sides."""

from benchmarks import __main__ as bench_main
from benchmarks import deployed


def _phase(ops, per_process, p50=10.0):
    return {'ops': ops, 'wall_s': 1.5,
            'latency_ms': {'p50': p50, 'p90': 2 * p50},
            'api_ms': {'p50': p50 / 2, 'p90': p50},
            'cpu': {'per_process_s': per_process}}


def _doc(per_process):
    res = {phase: _phase(50, per_process) for phase in deployed.PHASES}
    res['total'] = {'wall_s': 9.0, 'cpu': {'per_process_s': per_process}}
    return {'meta': {'ok': True}, 'multiattach': {'50': res}}


NOVA = {'nova-api': 1.0, 'nova-conductor': 2.0, 'nova-scheduler': 0.5,
        'placement': 3.0, 'nova-compute': 1.5, 'cinder-api': 4.0,
        'cinder-scheduler': 0.25, 'cinder-volume': 0.75, 'keystone': 0.01,
        'mariadb(mariadbd)': 2.5, 'rabbitmq(beam.smp)': 0.5,
        'bench-client': 1.0, 'stub': 0.2}


def test_groups_sum_their_processes_and_leave_the_rest():
    groups = deployed.group_cpu(NOVA)
    assert groups['compute side'] == 8.0
    assert groups['block storage'] == 5.0
    assert groups['MariaDB'] == 2.5
    assert groups['RabbitMQ'] == 0.5
    assert groups['client'] == 1.0
    # nova_lite has no scheduler or placement: missing names count 0
    lite = deployed.group_cpu({'nova-api': 0.2, 'nova-compute': 0.1})
    assert lite['compute side'] == 0.3
    assert lite['block storage'] == 0.0


def test_rows_give_ms_per_operation_per_group_and_totals():
    document = {'nova-cinder': _doc(NOVA),
                'nova_lite-builtin': _doc({'nova-api': 0.5,
                                           'cinder-api': 0.25}),
                'nova_lite-cinder': None}
    rows = deployed.rows(document)
    assert [r[0] for r in rows] == ['nova_lite-builtin'] * 6 + \
        ['nova-cinder'] * 6
    attach = rows[7]
    assert attach[:3] == ['nova-cinder', '50', 'attach']
    assert attach[3:6] == ['10.0', '20.0', '5.0']
    # 8 s of compute-side CPU over 50 operations
    assert attach[6:11] == ['160.0', '100.0', '50.0', '10.0', '20.0']
    assert rows[5][2] == 'total (s)' and rows[5][6] == '0.50'


def test_the_part_is_selectable():
    assert 'deployed' in bench_main.PARTS


def test_the_default_run_leaves_it_out():
    assert 'deployed' not in bench_main.DEFAULT_PARTS
    assert set(bench_main.DEFAULT_PARTS) < set(bench_main.PARTS)
