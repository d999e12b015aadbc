"""PostgreSQL's spelling of the store's locks (the triggers that refuse changes).

SQLite states a lock as ``CREATE TRIGGER ... WHEN condition BEGIN SELECT RAISE(ABORT, ...)``.
PostgreSQL needs a trigger function, and a trigger's WHEN clause may not hold a subquery,
so the condition goes inside the function: :func:`refuse` writes both statements. The
migrations state each lock's condition for PostgreSQL beside SQLite's (``NEW.x IS DISTINCT
FROM OLD.x`` for SQLite's ``IS NOT``; JSON compared as its text). The error is an integrity
violation (SQLSTATE 23000), as SQLite's RAISE(ABORT) is a constraint error: the app sees
the same ``IntegrityError`` from either engine.
"""

from __future__ import annotations

FINAL = "a final record cannot be changed: add a dated addendum instead"
RECORD_LOCKED = "(SELECT locked_at FROM supervision_record WHERE id = {ref}) IS NOT NULL"


def changed(*columns: str) -> str:
    """True when any of ``columns`` differs between OLD and NEW (JSON columns by text)."""
    out = []
    for column in columns:
        if column == '"values"':
            out.append('NEW."values"::text IS DISTINCT FROM OLD."values"::text')
        else:
            out.append(f"NEW.{column} IS DISTINCT FROM OLD.{column}")
    return " OR ".join(out)


def refuse(name: str, timing: str, table: str, message: str, when: str = "TRUE",
           each: str = "ROW") -> list[str]:
    """The function and trigger that refuse ``timing`` (e.g. ``BEFORE UPDATE``) on
    ``table`` with ``message`` whenever ``when`` holds for the row (``each="STATEMENT"``:
    for the whole statement)."""
    row = "OLD" if timing.endswith("DELETE") else "NEW"
    quoted = message.replace("'", "''")
    return [
        f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  IF {when} THEN
    RAISE EXCEPTION '{quoted}' USING ERRCODE = '23000';
  END IF;
  RETURN {row};
END
$body$""",
        f"CREATE TRIGGER {name} {timing} ON {table} FOR EACH {each} EXECUTE FUNCTION {name}()",
    ]


def no_truncate(table: str, message: str = FINAL) -> list[str]:
    """TRUNCATE fires no row trigger (SQLite has no TRUNCATE): refused for the statement."""
    return refuse(f"{table}_no_truncate", "BEFORE TRUNCATE", table, message,
                  each="STATEMENT")


def final_row(table: str, prefix: str, *columns: str) -> list[str]:
    """The locks of a table whose rows become final (``locked_at`` set)."""
    return (refuse(f"{prefix}_final_no_update", "BEFORE UPDATE", table, FINAL,
                   f"OLD.locked_at IS NOT NULL AND ({changed(*columns)})")
            + refuse(f"{prefix}_final_no_delete", "BEFORE DELETE", table, FINAL,
                     "OLD.locked_at IS NOT NULL")
            + no_truncate(table))


def drop(name: str, table: str) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {name} ON {table}", f"DROP FUNCTION IF EXISTS {name}()"]
