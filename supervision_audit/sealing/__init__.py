"""Sealing exported PDF records with the organisation's certificate, and checking seals.

Import from the submodules: ``certificate`` (create, import, describe the seal certificate)
and ``seal`` (``seal_pdf``, ``verify_pdf``). pyHanko is only loaded when sealing or checking.
"""

import warnings

# pyHanko imports cryptography's DSA key class to recognise DSA keys; since cryptography 48
# that import alone warns that DSA is deprecated. Seals here are RSA or EC and a DSA key is
# never made or accepted, so the warning says nothing to a user: it is silenced for that one
# message only, before any submodule loads pyHanko.
warnings.filterwarnings("ignore", message=r"DSA is deprecated", category=Warning)
