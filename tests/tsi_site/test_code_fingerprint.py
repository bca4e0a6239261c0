"""Every release keys the shared cache with a fingerprint of its own sources."""

from __future__ import annotations

from django.conf import settings

from tsi_site.code_fingerprint import code_fingerprint


def _project(root):
    (root / "analytics" / "pages").mkdir(parents=True)
    (root / "templates").mkdir()
    (root / "static" / "tsi").mkdir(parents=True)
    (root / "pyproject.toml").write_text('dependencies = ["plotly==7.1.0"]\n')
    (root / "analytics" / "pages" / "sky_map.py").write_text("HEIGHT = 600\n")
    (root / "templates" / "base.html").write_text("<title>TSI</title>\n")
    (root / "static" / "tsi" / "charts.js").write_text("'use strict';\n")
    return root


def test_a_change_to_code_templates_static_files_or_pins_changes_it(tmp_path):
    root = _project(tmp_path)
    first = code_fingerprint(root)
    assert len(first) == 12 and code_fingerprint(root) == first
    for path, text in [
        ("analytics/pages/sky_map.py", "HEIGHT = 650\n"),
        ("templates/base.html", "<title>TSI 2</title>\n"),
        ("static/tsi/charts.js", "'use strict'; // 2\n"),
        ("pyproject.toml", 'dependencies = ["plotly==7.2.0"]\n'),
    ]:
        before = code_fingerprint(root)
        (root / path).write_text(text)
        assert code_fingerprint(root) != before, path


def test_bytecode_data_and_renames_are_told_apart(tmp_path):
    root = _project(tmp_path)
    first = code_fingerprint(root)
    (root / "analytics" / "pages" / "__pycache__").mkdir()
    (root / "analytics" / "pages" / "__pycache__" / "sky_map.cpython-313.pyc").write_bytes(b"x")
    (root / "var").mkdir()
    (root / "var" / "tsi.sqlite3").write_bytes(b"rows")
    assert code_fingerprint(root) == first
    (root / "analytics" / "pages" / "sky_map.py").rename(root / "analytics" / "pages" / "sky.py")
    assert code_fingerprint(root) != first


def test_the_cache_keys_of_this_release_carry_it():
    assert settings.CACHES["default"]["KEY_PREFIX"].endswith(code_fingerprint(settings.BASE_DIR))
