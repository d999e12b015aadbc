"""Bank holidays come from the holidays package's United Kingdom class alone: the same days
as the package's own England calendar, without loading its other 250 countries."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

from supervision_audit.bank_holidays import england_bank_holidays

PROBE = """
import json, sys
from datetime import date
from supervision_audit.policy import is_working_day
assert not is_working_day(date(2026, 12, 28))  # the Boxing Day substitute
print(json.dumps(sorted(m for m in sys.modules if m.startswith("holidays.countries."))))
"""


def test_only_the_united_kingdom_is_loaded() -> None:
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                            timeout=60, check=True)
    assert json.loads(result.stdout) == ["holidays.countries.united_kingdom"]


def test_the_days_are_the_packages_own_england_calendar() -> None:
    import holidays

    for year in (2020, 2026, 2027):
        expected = set(holidays.country_holidays("GB", subdiv="ENG", years=[year]))
        assert england_bank_holidays(year) == expected
    assert date(2027, 12, 28) in england_bank_holidays(2027)  # Boxing Day on a Sunday
