"""Sphinx configuration of the nova_lite documentation.

``tox -e docs`` builds it (``sphinx-build -W -b html doc/source
doc/build/html``); the configuration and policy references and samples are
generated from the code by oslo.config's and oslo.policy's extensions.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(HERE, '_exts'))
# The configuration and policy references and the release notes read their
# generator files and the notes relative to the working directory: the
# repository's top, wherever sphinx-build was started.
os.chdir(ROOT)

extensions = [
    'oslo_config.sphinxext',
    'oslo_config.sphinxconfiggen',
    'oslo_policy.sphinxext',
    'oslo_policy.sphinxpolicygen',
    'reno.sphinxext',
    'microversions',
]

project = 'nova_lite'
copyright = 'nova_lite developers'
author = 'nova_lite developers'
master_doc = 'index'
source_suffix = {'.rst': 'restructuredtext'}
exclude_patterns = ['_build']
# Literal blocks (``::``) are shell sessions and configuration files, not
# Python: no highlighting guesses.
highlight_language = 'none'
pygments_style = 'sphinx'

# The configuration sample (_static/nova-lite.conf.sample) and the policy
# sample (_static/nova-lite.policy.yaml.sample), written at each build.
config_generator_config_file = '../../etc/nova-lite/config-generator.conf'
sample_config_basename = '_static/nova-lite'
policy_generator_config_file = '../../etc/nova-lite/policy-generator.conf'
sample_policy_basename = '_static/nova-lite'

html_theme = 'alabaster'
html_static_path = ['_static']
html_theme_options = {
    'description': 'An OpenStack-compatible compute API built around '
                   'volume multi-attach',
    'fixed_sidebar': True,
    'page_width': '1100px',
    'sidebar_width': '260px',
}
html_sidebars = {'**': ['about.html', 'navigation.html', 'searchbox.html']}
