import sys

from drugflows.cli import main

sys.exit(main())
