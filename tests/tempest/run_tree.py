"""Run a whole tempest tree against nova-lite-all behind Keystone.

    python -m tests.tempest.run_tree [REGEX ...] [--output DIR]

The default regex is ``tempest\\.api\\.compute\\.``. Prints the counts per
package and every test that failed, and writes ``results.txt`` (one line
per result) and ``tempest-run.out`` in the output directory. The same
harness as the CI run of ``include-list.txt`` (``test_tempest.py``).
"""

import argparse
import os
import sys
import tempfile

from tests.fixtures import keystone as ks_fixture
from tests.tempest import harness

DEFAULT_TREE = r'tempest\.api\.compute\.'


def summary(results):
    lines = []
    counts = harness.counts_by_package(results)
    total = {}
    for package in sorted(counts):
        by_status = counts[package]
        for status, n in by_status.items():
            total[status] = total.get(status, 0) + n
        lines.append('%-40s passed %3d  failed %3d  skipped %3d' % (
            package, by_status.get('ok', 0), by_status.get('FAILED', 0),
            by_status.get('SKIPPED', 0)))
    lines.append('%-40s passed %3d  failed %3d  skipped %3d' % (
        'total', total.get('ok', 0), total.get('FAILED', 0),
        total.get('SKIPPED', 0)))
    failed = sorted(t for t, (s, _) in results.items() if s == 'FAILED')
    if failed:
        lines.append('')
        lines.append('failed:')
        lines.extend('  ' + t for t in failed)
    return '\n'.join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('regex', nargs='*', default=[DEFAULT_TREE])
    parser.add_argument('--output', help='directory for the workspace and '
                        'results (default: a new temporary directory)')
    parser.add_argument('--timeout', type=int, default=5400)
    args = parser.parse_args(argv)
    base = args.output or tempfile.mkdtemp(prefix='nova-lite-tempest-')
    os.makedirs(base, exist_ok=True)

    keystone = ks_fixture.Keystone(os.path.join(base, 'keystone')).start()
    network = harness.NetworkStub().start()
    stack = None
    try:
        stack = harness.start_stack(keystone, base)
        keystone.register('network', network.url, name='neutron')
        harness.register_images(keystone, stack)
        harness.create_multiattach_type(keystone, stack)
        workspace = harness.init_workspace(
            keystone, os.path.join(base, 'workspace'))
        results, _output = harness.run_tempest(
            workspace, ['--serial', '--regex', '|'.join(args.regex)],
            timeout=args.timeout)
    finally:
        if stack is not None:
            stack.stop()
        network.stop()
        keystone.stop()
    text = summary(results)
    with open(os.path.join(base, 'results.txt'), 'w') as f:
        f.write('\n'.join('%s %s %s' % (status, test, reason or '')
                          for test, (status, reason)
                          in sorted(results.items())) + '\n')
    print(text)
    print('\nresults and logs in %s' % base)
    return 0 if results else 1


if __name__ == '__main__':
    sys.exit(main())
