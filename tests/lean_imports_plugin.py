"""pytest plugin loaded first (``make test`` passes ``-p tests.lean_imports_plugin``).

nbval's plugin imports nbformat, and nbformat jsonschema, as pytest loads its plugins: without
this, every xdist worker would load jsonschema's ``iri`` format checker, seconds of CPU each
(sso_kit/lean_imports.py). The kit's own processes (Lab, the runner, the hub's learner servers,
the ``sso-kit`` command) leave it out the same way, so the tests see what learners get.
"""

from sso_kit.lean_imports import leave_out_iri_checker

leave_out_iri_checker()
