"""Uploaded files kept on disk until their job ends: under a size cap, named at random.

A file is stored under a random name (the person's file name, which may say whose list it
is, stays in the database, never in a path or a log), readable by this user only, and removed
when its job finishes or fails for good. The folder as a whole is capped too, so a burst of
uploads cannot fill the disk while the workers are busy.
"""
from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from fieldapp.errors import DomainError

CHUNK = 1024 * 1024
SUFFIX = ".upload"


@dataclass(frozen=True)
class StoredUpload:
    """A file saved for a job: where, how big, its SHA-256, and the name it came with."""

    path: Path
    size: int
    digest: str
    filename: str

    def remove(self) -> None:
        """Delete the stored file (the job was not started)."""
        remove_upload(str(self.path))


def upload_folder(config, instance_path: str) -> Path:
    """FIELDAPP_UPLOAD_FOLDER, or uploads/ in the instance folder."""
    return Path(config.get("FIELDAPP_UPLOAD_FOLDER") or Path(instance_path) / "uploads")


def _megabytes(n: int) -> str:
    return f"{n / 1048576:,.0f} MB"


def save_upload(stream: BinaryIO, folder: Path, filename: str, max_bytes: int,
                folder_bytes: int) -> StoredUpload:
    """Copy stream into folder, hashing it; DomainError if empty, too big, or no room."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    held = sum(p.stat().st_size for p in folder.glob(f"*{SUFFIX}") if p.is_file())
    room = folder_bytes - held
    if room <= 0:
        raise DomainError(f"The server already holds {_megabytes(held)} of uploads waiting "
                          "for their jobs. Try again when those imports have finished.")
    path = folder / f"{secrets.token_hex(16)}{SUFFIX}"
    digest, size = hashlib.sha256(), 0
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > max_bytes or size > room:
                out.close()
                path.unlink(missing_ok=True)
                if size > max_bytes:
                    raise DomainError(f"The file is larger than {_megabytes(max_bytes)}, the "
                                      "largest this server accepts. Split it and upload each part.")
                raise DomainError("There is no room for this file among the uploads waiting "
                                  "for their jobs. Try again when those imports have finished.")
            digest.update(chunk)
            out.write(chunk)
    if size == 0:
        path.unlink(missing_ok=True)
        raise DomainError("The file is empty.")
    return StoredUpload(path, size, digest.hexdigest(), filename)


def remove_upload(path: str | None) -> None:
    """Delete a stored upload if it is still there."""
    if path:
        Path(path).unlink(missing_ok=True)


def upload_of(path: str | None) -> str:
    """A job's stored upload, or DomainError when this worker cannot find it."""
    if not path or not os.path.exists(path):
        raise DomainError("The uploaded file is no longer on this server (the upload folder "
                          "is not shared with this worker, or it was removed). Upload it again.")
    return path
