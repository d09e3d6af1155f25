"""The microversions nova_lite serves, read from the code.

``.. microversion-table::`` renders the compute API's list of microversions
(``nova_lite.api.microversion.VERSIONS``) with the note each carries in the
source, marking those whose feature is not served. The substitutions
``|compute_min|``, ``|compute_max|``, ``|volume_min|`` and ``|volume_max|``
give the ranges served.
"""

import inspect
import re

from docutils import nodes
from docutils.parsers import rst
from docutils import statemachine
from sphinx.util.nodes import nested_parse_with_titles

from nova_lite.api import microversion
from nova_lite.block_storage import views as volume_views

_ENTRY = re.compile(r"^\s*'(?P<version>\d+\.\d+)',\s*#\s*(?P<note>.*)$")
NOT_SERVED = '(not served)'


def compute_versions():
    """``[(version, note, served)]`` in the order of ``VERSIONS``."""
    notes = {}
    for line in inspect.getsource(microversion).splitlines():
        match = _ENTRY.match(line)
        if match:
            notes[match.group('version')] = match.group('note').strip()
    found = []
    for version in microversion.VERSIONS:
        note = notes.get(version, '')
        served = NOT_SERVED not in note
        found.append((version, note.replace(NOT_SERVED, '').strip(),
                      served))
    return found


def _escape(text):
    return text.replace('\\', '\\\\').replace('*', '\\*').replace(
        '`', '\\`').replace('|', '\\|')


class MicroversionTable(rst.Directive):
    has_content = False
    option_spec = {'not-served-only': rst.directives.flag}

    def run(self):
        rows = compute_versions()
        if 'not-served-only' in self.options:
            rows = [row for row in rows if not row[2]]
        lines = ['.. list-table::', '   :header-rows: 1',
                 '   :widths: 10 70 20', '',
                 '   * - Version', '     - Change', '     - Served']
        for version, note, served in rows:
            lines += ['   * - %s' % version,
                      '     - %s' % (_escape(note) or '-'),
                      '     - %s' % ('yes' if served else
                                     'accepted, feature not served')]
        result = statemachine.StringList()
        for line in lines:
            result.append(line, '<microversions>')
        node = nodes.section()
        node.document = self.state.document
        nested_parse_with_titles(self.state, result, node)
        return node.children


def _epilog(app, config):
    values = {
        'compute_min': microversion.MIN_VERSION,
        'compute_max': microversion.MAX_VERSION,
        'volume_min': str(volume_views.MIN_VERSION),
        'volume_max': str(volume_views.MAX_VERSION),
    }
    extra = ''.join('\n.. |%s| replace:: %s' % item
                    for item in sorted(values.items()))
    config.rst_epilog = (config.rst_epilog or '') + extra + '\n'


def setup(app):
    app.add_directive('microversion-table', MicroversionTable)
    app.connect('config-inited', _epilog)
    return {'parallel_read_safe': True, 'parallel_write_safe': True}
