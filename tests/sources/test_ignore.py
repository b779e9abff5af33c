"""gitignore matching agrees with git itself."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from sentinel_cli.sources.ignore import compile_pattern, matches_any
from sentinel_cli.sources.walk import expand

ROOT_IGNORE = """\
# comment
*.log
!keep.log
build/
/root-only.txt
docs/**/*.tmp
**/cache
a/**/b.md
[xy].txt
\\#hash.txt
trailing.txt\x20\x20\x20
dir-only/
"""
NESTED_IGNORE = """\
*.md
!important.md
/local.txt
"""
FILES = [
    "app.log", "keep.log", "sub/deep/app.log", "build/out.txt", "src/build/out.txt", "build.txt",
    "root-only.txt", "sub/root-only.txt", "docs/x.tmp", "docs/a/b/c.tmp", "other/docs/x.tmp",
    "cache/c.txt", "src/cache/c.txt", "a/b.md", "a/x/y/b.md", "x.txt", "z.txt", "#hash.txt",
    "trailing.txt", "dir-only/f.txt", "sub/dir-only", "sub/readme.md", "sub/important.md",
    "sub/local.txt", "sub/deeper/local.txt", "notes.md", "src/main.py",
]  # fmt: skip


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    for name in FILES:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("text\n")
    (tmp_path / ".gitignore").write_text(ROOT_IGNORE)
    (tmp_path / "sub" / ".gitignore").write_text(NESTED_IGNORE)
    return tmp_path


def walked(root: Path, **options: object) -> set[str]:
    expansion = expand([str(root)], **options)  # type: ignore[arg-type]
    return {Path(name).relative_to(root).as_posix() for name in expansion.inputs}


def test_walk_keeps_exactly_what_git_keeps(tree: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed: cannot compare with git's own ignore rules")
    subprocess.run(["git", "init", "-q"], cwd=tree, check=True)
    listed = subprocess.run(
        ["git", "ls-files", "--others", "--exclude-standard"],
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert walked(tree) == set(listed)
    # Sanity: the patterns really did exclude things of each kind.
    assert {"app.log", "build/out.txt", "sub/readme.md", "a/x/y/b.md"}.isdisjoint(listed)
    assert {"keep.log", "sub/important.md", "sub/deeper/local.txt"} <= set(listed)


def test_ignore_files_above_the_walked_directory_apply(tree: Path) -> None:
    (tree / ".git").mkdir()
    # sub/readme.md is ignored by sub/.gitignore, sub/deep/app.log by the root one;
    # sub/dir-only is a file, and 'dir-only/' matches directories only.
    assert walked(tree / "sub") == {
        ".gitignore",
        "important.md",
        "deeper/local.txt",
        "root-only.txt",
        "dir-only",
    }


def test_exclude_and_include_globs(tree: Path) -> None:
    assert "src/main.py" not in walked(tree, exclude=["src/"])
    assert not any(p.startswith("sub/") for p in walked(tree, exclude=["sub"]))
    assert walked(tree, include=["*.py"]) == {"src/main.py"}
    assert walked(tree, include=["sub/"]) == {
        "sub/.gitignore",
        "sub/important.md",
        "sub/root-only.txt",
        "sub/deeper/local.txt",
        "sub/dir-only",
    }
    assert walked(tree, include=["**/*.txt"], exclude=["sub/**"]) == {"build.txt", "z.txt"}


@pytest.mark.parametrize(
    ("pattern", "path", "is_dir", "expected"),
    [
        ("*.md", "a/b/c.md", False, True),
        ("/top.md", "a/top.md", False, False),
        ("a/*.md", "a/b/c.md", False, False),
        ("a/**", "a/b/c.md", False, True),
        ("**/b", "x/y/b", True, True),
        ("logs/", "logs", False, False),
        ("logs/", "logs", True, True),
        ("?.txt", "ab.txt", False, False),
        ("[!a].txt", "b.txt", False, True),
    ],
)
def test_single_patterns(pattern: str, path: str, is_dir: bool, expected: bool) -> None:
    compiled = compile_pattern(pattern)
    assert compiled is not None
    assert matches_any(path, is_dir, [compiled]) is expected
