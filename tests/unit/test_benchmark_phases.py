"""The benchmarks' phase records: latencies, and the HTTP answer apart."""

import types
from unittest import mock

import pytest

from benchmarks import __main__ as bench_main
from benchmarks import common
from benchmarks import workload


def _clock(monkeypatch, ticks):
    """The benchmarks' clock reads ``ticks`` in turn (theirs alone: other
    threads of the test process keep the real one)."""
    ticks = iter(ticks)
    monkeypatch.setattr(common, 'time', types.SimpleNamespace(
        monotonic=lambda: next(ticks)))


def test_answer_is_reported_apart_from_completion(monkeypatch):
    phase = common.Phase('attach', cpu=lambda: 0.0)
    # enter the phase, then two operations: start, answered, complete.
    _clock(monkeypatch, [100.0, 100.0, 100.004, 100.010,
                         101.0, 101.002, 101.030, 102.0])
    with phase:
        for _ in range(2):
            with phase.op() as op:
                op.answered()
    result = phase.result()
    assert result['ops'] == 2
    assert result['latency_ms']['p50'] == 10.0
    assert result['latency_ms']['max'] == 30.0
    assert result['http_ms']['p50'] == 2.0
    assert result['http_ms']['max'] == 4.0


def test_no_answer_no_http_figures_no_parts_no_breakdown(monkeypatch):
    phase = common.Phase('boot', cpu=lambda: 0.0)
    _clock(monkeypatch, [0.0, 0.0, 0.5, 1.0])
    with phase:
        with phase.op():
            pass
    result = phase.result()
    assert result['latency_ms']['p50'] == 500.0
    assert 'http_ms' not in result
    assert 'cpu_ms_per_op_by_process' not in result


def test_failed_operation_counts_in_neither(monkeypatch):
    phase = common.Phase('detach', cpu=lambda: 0.0)
    _clock(monkeypatch, [0.0, 0.0, 0.1, 1.0])
    with phase:
        try:
            with phase.op() as op:
                op.answered()
                raise RuntimeError('never completed')
        except RuntimeError:
            pass
    assert phase.latencies == [] and phase.answers == []


def test_table_shows_the_answer_column():
    phase = {'ops': 1, 'wall_s': 0.01, 'cpu_ms_per_op': 9.0,
             'latency_ms': {'p50': 9.5, 'p95': 9.5},
             'http_ms': {'p50': 6.25, 'p95': 6.25}}
    document = {'deployment': 'in-process', 'multiattach': {'1': dict(
        {name: phase for name in workload.PHASES},
        total={'wall_s': 0.05, 'cpu_s': 0.05})}}
    rows = workload.rows(document)
    assert len(workload.HEADERS) == len(rows[0])
    assert rows[1][2] == 'attach' and rows[1][-1] == '6.25'
    assert rows[-1][2] == 'TOTAL' and len(rows[-1]) == len(rows[0])


def test_bus_notifications_complete_operations():
    events = common.Events()
    endpoint = common.BusEvents(events)
    payload = {'nova_object.name': 'InstanceActionVolumePayload',
               'nova_object.data': {'uuid': 's1', 'volume_id': 'v'}}
    endpoint.info({}, 'nova-compute:h', 'instance.volume_attach.end',
                  payload, {})
    events.wait('instance.volume_attach.end', 's1', timeout=0.1)
    # Seen once: the next attach of that server waits for its own.
    try:
        events.wait('instance.volume_attach.end', 's1', timeout=0.05)
    except RuntimeError as error:
        assert 'no instance.volume_attach.end for s1' in str(error)
    else:
        raise AssertionError('an event was counted twice')


def test_an_error_notification_fails_the_wait_at_once():
    events = common.Events()
    common.BusEvents(events).error(
        {}, 'nova-compute:h', 'instance.volume_attach.error',
        {'nova_object.data': {'uuid': 's2'}}, {})
    try:
        events.wait('instance.volume_attach.end', 's2', timeout=30)
    except RuntimeError as error:
        assert str(error) == 'instance.volume_attach.error for s2'
    else:
        raise AssertionError('the failed attach was taken as done')


def test_floor_rounds_alternate_and_pair_their_ratios(monkeypatch):
    from benchmarks import floor
    driven = []
    # req/s each drive answers, in turn: ours, bare; bare, ours; ours, bare.
    answers = iter([500.0, 1000.0, 2000.0, 1200.0, 600.0, 1000.0])

    def drive(url, connections, duration, lua):
        driven.append(url)
        rps = next(answers)
        return {'req_per_s': rps, 'latency_ms': {'p50': 1000.0 / rps,
                                                 'p99': None},
                'non_2xx': 0}
    monkeypatch.setattr(floor, '_drive', drive)
    point = floor._point('ours', 'bare', 16, 1, 'lua', rounds=3)
    assert driven == ['ours', 'bare', 'bare', 'ours', 'ours', 'bare']
    # Rounds: 500/1000, 1200/2000, 600/1000 -> median 0.6.
    assert point['ratio'] == 0.6
    assert point['ratio_range'] == [0.5, 0.6]
    assert point['nova_lite']['req_per_s'] == 600.0
    assert point['bare_pecan']['req_per_s'] == 1000.0
    assert point['bare_pecan']['latency_ms'] == {'p50': 1.0, 'p99': None}
    assert len(point['nova_lite']['runs']) == 3
    row = floor.rows({'points': [dict(point, request='show',
                                      body_bytes=10)]})[0]
    assert row[-2:] == ['60%', '50-60%']


def test_cpu_by_process_counts_what_each_used_in_the_phase(monkeypatch):
    snapshots = iter([
        {'api': {10: 1.0}, 'postgresql': {20: 5.0, 21: 7.0}},
        # 21 ended during the phase, 22 started during it.
        {'api': {10: 1.5}, 'postgresql': {20: 5.25, 22: 0.5}},
    ])
    phase = common.Phase('attach', cpu=lambda: 0.0,
                         parts=lambda: next(snapshots))
    _clock(monkeypatch, [0.0, 0.0, 0.01, 0.5])
    with phase:
        with phase.op():
            pass
    by_process = phase.result()['cpu_ms_per_op_by_process']
    assert by_process == {'api': 500.0, 'postgresql': 750.0}
    document = {'deployment': 'multi-process', 'multiattach': {'1': {
        'attach': {'cpu_ms_per_op_by_process': {
            'nova-lite-api': 8.25, 'rabbitmq': 2.0}}}}}
    rows = workload.process_rows(document)
    assert rows == [['1', 'attach', '8.25', '-', '-', '-', '-', '2.00',
                     '-']]
    assert len(rows[0]) == len(workload.PROCESS_HEADERS)


def test_server_pids_finds_processes_by_command_name():
    import os
    with open('/proc/self/comm') as f:
        comm = f.read().strip()
    assert os.getpid() in common.server_pids(comm)
    assert common.server_pids('no-such-command-name') == []
    cpu = common.cpu_by_pid([os.getpid(), 2 ** 22 + 1])
    assert list(cpu) == [os.getpid()] and cpu[os.getpid()] >= 0.0


def test_meta_names_the_interpreter_the_virtualenv_was_made_from(
        monkeypatch, tmp_path):
    base = tmp_path / 'python3.11'
    base.write_text('')
    link = tmp_path / 'python3'
    link.symlink_to(base)
    monkeypatch.setattr(common.sys, '_base_executable', str(link),
                        raising=False)
    meta = common.meta(parts=['workload'])
    assert meta['python_executable'] == str(base)
    assert meta['parts'] == ['workload']


def test_missing_driver_or_unknown_part_is_a_usage_error(capsys):
    with mock.patch.object(bench_main.importlib.util, 'find_spec',
                           return_value=None), \
            mock.patch.object(bench_main.workload, 'run') as run:
        with pytest.raises(SystemExit) as exit_info:
            bench_main.main(['--only', 'multiprocess'])
    assert exit_info.value.code == 2
    assert 'psycopg2 not installed' in capsys.readouterr().err
    assert run.call_count == 0
    with pytest.raises(SystemExit) as exit_info:
        bench_main.main(['--only', 'workload,bogus'])
    assert exit_info.value.code == 2
    assert 'unknown parts: bogus' in capsys.readouterr().err
