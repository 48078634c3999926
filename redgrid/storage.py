"""The default file storage: Django's FileSystemStorage that leaves nothing behind when a write
fails.

Django creates the file before it writes the content; when the disk fills up (or the volume goes
away) during the write, the half-written file stays. A failed save here removes the file it
created, so a refused upload leaves neither a row (the caller's transaction rolls back) nor a
file (docs/reliability.md, "full disk").
"""

import contextlib
import os

from django.core.files.storage import FileSystemStorage


class CleanFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        path = self.path(name)
        existed = os.path.lexists(path)
        try:
            return super()._save(name, content)
        except FileExistsError:
            raise
        except OSError:
            # Only a file this call created (opened with O_EXCL) is removed, never one that was
            # already there.
            if not existed:
                with contextlib.suppress(OSError):
                    os.remove(path)
            raise
