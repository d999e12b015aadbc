"""Sealing exported PDF records with the organisation's certificate, and checking seals.

Import from the submodules: ``certificate`` (create, import, describe the seal certificate)
and ``seal`` (``seal_pdf``, ``verify_pdf``). pyHanko is only loaded when sealing or checking.
"""
