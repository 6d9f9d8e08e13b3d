"""A run as a record and as a process: its manifest (manifest.py), the lock that keeps two runs
off the same folders (lock.py), the one-step switch of the published set (publishing.py), the
child processes that end with it (children.py) and storage faults in Finnish (faults.py)."""
