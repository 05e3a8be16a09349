"""The README's configuration reference lists every setting the binary
knows, with its flag and environment variable (no drift between the two)."""

import os
import re
import subprocess

from almanac_harness import ALMANAC_BIN, SOURCE_DIR


def test_readme_documents_every_setting():
    help_text = subprocess.run([ALMANAC_BIN, "--help"], capture_output=True, text=True,
                               timeout=30).stdout
    flags = re.findall(r"^  (--[a-z-]+)\s", help_text, re.MULTILINE)
    assert len(flags) >= 15, help_text
    with open(os.path.join(SOURCE_DIR, "README.md")) as f:
        readme = f.read()
    for flag in flags:
        key = flag[2:].replace("-", "_")
        assert f"`{flag}`" in readme, flag
        assert f"`{key}`" in readme, key
        assert f"`ALMANAC_{key.upper()}`" in readme, key
