#!/usr/bin/env python3
"""Print the golden case folders (one per line) under the given directory: every
sub-folder holding an `inputs/` folder or an `args` file. Meson calls this at
configure time to register one test per case."""
import os
import sys

root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
for name in sorted(os.listdir(root)):
    d = os.path.join(root, name)
    if os.path.isdir(d) and (os.path.isdir(os.path.join(d, "inputs")) or os.path.isfile(os.path.join(d, "args"))):
        print(name)
