"""Offline laptops: a replica of the signed-in user's scope, kept in step with the
organisation's server.

The server keeps a change sequence (``server_schema``: every row written gets a numbered
change, in the same transaction); laptops pull by that number, filtered by the same scope
rules as the desktop (``scope``, ``pull``). A replica is an ordinary encrypted store with a
transactional outbox (``replica_schema``): every local write is queued in the same local
transaction, pushed in batches that the server applies in one transaction, item by item
under the sync rules (``push``, ``rules``), idempotently per device.
"""
