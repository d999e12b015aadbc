import sys

from supervision_audit.cli import main

sys.exit(main())
