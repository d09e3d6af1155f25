"""Run the benchmarks, print a table per part and write JSON results.

    python -m benchmarks                      # everything (several minutes)
    python -m benchmarks --quick              # N=10,50; smaller scaling
    python -m benchmarks --only workload --sizes 50
    python -m benchmarks --out bench-results  # JSON files in that folder
    python -m benchmarks --only workload --transport http  # over loopback
    python -m benchmarks --only instructions  # callgrind counts per request
    python -m benchmarks --only deployed --sizes 50   # real Keystone+Cinder,
                                              # then nova's deployment
    python -m benchmarks --only list          # GET /servers/detail against
                                              # its floor on each database
"""

import argparse
import importlib.util
import os
import sys
import time

from benchmarks import common
from benchmarks import deployed
from benchmarks import floor
from benchmarks import instructions
from benchmarks import list_floor
from benchmarks import scaling
from benchmarks import workload

PARTS = ('workload', 'multiprocess', 'floor', 'scaling', 'instructions',
         'list', 'deployed')
# The deployed part brings up Keystone, Cinder and nova's deployment
# (minutes): only when asked for.
DEFAULT_PARTS = PARTS[:-1]
# Modules a part needs beyond nova_lite's own requirements (the
# multi-process deployment runs on PostgreSQL, the deployed one on
# MariaDB).
NEEDS = (('multiprocess', 'psycopg2'), ('deployed', 'pymysql'),
         ('list', 'psycopg2'), ('list', 'pymysql'))


def main(argv=None):
    parser = argparse.ArgumentParser(prog='python -m benchmarks')
    parser.add_argument('--only', default=','.join(DEFAULT_PARTS),
                        help='comma list of: %s' % ', '.join(PARTS))
    parser.add_argument('--sizes', default=None,
                        help='workload sizes (default 10,50,200)')
    parser.add_argument('--quick', action='store_true')
    parser.add_argument('--transport', choices=('local', 'http'),
                        default='local',
                        help='in-process workload: requests handed to the '
                             'API in process (local, as the peer harness) '
                             'or over loopback HTTP')
    parser.add_argument('--out', default='bench-results')
    parser.add_argument('--wait', choices=('notify', 'poll'),
                        default='notify',
                        help='deployed: how the workload script learns an '
                             'operation is complete (versioned '
                             'notifications, or polling GET every 10 ms)')
    parser.add_argument('--no-peer', action='store_true',
                        help="deployed: leave out nova's deployment (the "
                             'nova-peer-mp kit, $NOVA_PEER_MP_KIT)')
    parser.add_argument('--block-storage', default='cinder,builtin',
                        help='deployed: cinder, builtin or both')
    parser.add_argument('--databases', default=','.join(list_floor.BACKENDS),
                        help='list: comma list of sqlite, mysql, '
                             'postgresql')
    args = parser.parse_args(argv)
    parts = [p for p in args.only.split(',') if p]
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        parser.error('unknown parts: %s (choose from %s)' % (
            ', '.join(unknown), ', '.join(PARTS)))
    missing = [name for part, name in NEEDS
               if part in parts and importlib.util.find_spec(name) is None]
    if missing:
        parser.error('%s not installed in this Python (%s): run the '
                     'benchmarks with the .venv that tools/run-tests makes, '
                     'or through tox -e bench, or install '
                     'test-requirements.txt' % (', '.join(missing),
                                                sys.executable))
    sizes = [int(n) for n in (args.sizes or (
        '10,50' if args.quick else '10,50,200')).split(',')]
    document = {'meta': common.meta(sizes=sizes, parts=parts)}
    started = time.monotonic()
    if 'workload' in parts:
        document['workload'] = workload.run(sizes,
                                            transport=args.transport)
        print(common.table(workload.rows(document['workload']),
                           workload.HEADERS), flush=True)
    if 'multiprocess' in parts:
        document['multiprocess'] = workload.run(
            [n for n in sizes if n <= 50], multiprocess=True)
        print(common.table(workload.rows(document['multiprocess']),
                           workload.HEADERS), flush=True)
        print(common.table(workload.process_rows(document['multiprocess']),
                           workload.PROCESS_HEADERS), flush=True)
    if 'floor' in parts:
        document['floor'] = floor.run(duration=3 if args.quick else 5,
                                      rounds=2 if args.quick else 3)
        print(common.table(floor.rows(document['floor']), floor.HEADERS),
              flush=True)
    if 'scaling' in parts:
        document['scaling'] = scaling.run(quick=args.quick)
        print(common.table(scaling.rows(document['scaling']),
                           scaling.HEADERS), flush=True)
    if 'instructions' in parts:
        document['instructions'] = instructions.run()
        print(common.table(instructions.rows(document['instructions']),
                           instructions.HEADERS), flush=True)
    if 'list' in parts:
        document['list'] = list_floor.run(
            backends=[b for b in args.databases.split(',') if b],
            duration=3 if args.quick else 5,
            rounds=2 if args.quick else 3)
        print(common.table(list_floor.rows(document['list']),
                           list_floor.HEADERS), flush=True)
    if 'deployed' in parts:
        document['deployed'] = deployed.run(
            [n for n in sizes if n <= 50], wait=args.wait,
            with_peer=not args.no_peer,
            block_storage=args.block_storage.split(','))
        print(common.table(deployed.rows(document['deployed']),
                           deployed.HEADERS), flush=True)
    document['meta']['run_wall_s'] = round(time.monotonic() - started, 2)
    document['meta']['loadavg_1min_end'] = os.getloadavg()[0]
    path = os.path.join(args.out, 'nova_lite.json')
    common.write_json(path, document)
    print('results: %s' % path)
    return 0


if __name__ == '__main__':
    sys.exit(main())
