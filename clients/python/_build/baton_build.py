"""A PEP 517 / PEP 660 build backend for this folder, standard library only.

Why not setuptools: a fresh venv has no ``wheel`` package (and from Python 3.12 no setuptools at
all), and setuptools before 70.1 cannot build a wheel without it, so on a machine that reaches no
package index ``pip install`` would fail. This backend needs nothing but Python: ``requires = []``
lets pip build in isolation without downloading anything.

It packs the top-level modules named in ``[tool.baton-build] py-modules`` with the metadata of
``[project]`` (name, version, description, readme, requires-python, license, scripts, entry points).
"""

import ast
import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_EPOCH = (1980, 1, 1, 0, 0, 0)  # fixed timestamps: the same sources give the same wheel


def _parse_toml(text):
    """The subset of TOML pyproject.toml uses here: tables, and keys with string or string-array values."""
    try:
        import tomllib  # Python 3.11+
        return tomllib.loads(text)
    except ImportError:
        pass
    doc, table = {}, None
    table = doc
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        header = re.fullmatch(r"\[([^\[\]]+)\]", line)
        if header:
            table = doc
            for part in header.group(1).split("."):
                table = table.setdefault(part.strip().strip('"'), {})
            continue
        key, _, value = line.partition("=")
        table[key.strip().strip('"')] = ast.literal_eval(value.strip())
    return doc


def _config():
    with open(os.path.join(ROOT, "pyproject.toml"), encoding="utf-8") as f:
        doc = _parse_toml(f.read())
    return doc["project"], doc["tool"]["baton-build"]["py-modules"]


def _names(project):
    dist = re.sub(r"[-_.]+", "_", project["name"]).lower()
    return dist, "%s-%s" % (dist, project["version"])


def _metadata(project):
    license_value = project.get("license")
    lines = [
        "Metadata-Version: 2.1",
        "Name: %s" % project["name"],
        "Version: %s" % project["version"],
        "Summary: %s" % project.get("description", ""),
        "Requires-Python: %s" % project.get("requires-python", ">=3"),
    ]
    if license_value:
        lines.append("License: %s" % (license_value if isinstance(license_value, str) else license_value.get("text", "")))
    body = ""
    if project.get("readme"):
        lines.append("Description-Content-Type: text/markdown")
        with open(os.path.join(ROOT, project["readme"]), encoding="utf-8") as f:
            body = f.read()
    return "\n".join(lines) + "\n\n" + body


def _entry_points(project):
    groups = {}
    if project.get("scripts"):
        groups["console_scripts"] = project["scripts"]
    groups.update(project.get("entry-points", {}))
    return "".join("[%s]\n%s\n" % (group, "".join("%s = %s\n" % item for item in entries.items())) for group, entries in groups.items())


def _write_wheel(directory, files):
    """``files``: (archive name, bytes) pairs; adds RECORD and returns the wheel's file name."""
    project, _ = _config()
    dist, stem = _names(project)
    info = "%s.dist-info" % stem
    files = list(files) + [
        (info + "/METADATA", _metadata(project).encode("utf-8")),
        (info + "/WHEEL", b"Wheel-Version: 1.0\nGenerator: baton_build\nRoot-Is-Purelib: true\nTag: py3-none-any\n"),
        (info + "/entry_points.txt", _entry_points(project).encode("utf-8")),
    ]
    record = []
    for name, data in files:
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")
        record.append("%s,sha256=%s,%d" % (name, digest, len(data)))
    record.append(info + "/RECORD,,")
    files.append((info + "/RECORD", ("\n".join(record) + "\n").encode("utf-8")))
    wheel_name = "%s-py3-none-any.whl" % stem
    with zipfile.ZipFile(os.path.join(directory, wheel_name), "w", zipfile.ZIP_DEFLATED) as wheel:
        for name, data in files:
            entry = zipfile.ZipInfo(name, _EPOCH)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            wheel.writestr(entry, data)
    return wheel_name


def _module_files(modules):
    for module in modules:
        with open(os.path.join(ROOT, module + ".py"), "rb") as f:
            yield module + ".py", f.read()


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    _, modules = _config()
    return _write_wheel(wheel_directory, _module_files(modules))


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    # A .pth file putting this folder on sys.path: edits to the modules take effect at once.
    project, _ = _config()
    dist, _ = _names(project)
    return _write_wheel(wheel_directory, [("__editable__.%s.pth" % dist, (ROOT + "\n").encode("utf-8"))])


def build_sdist(sdist_directory, config_settings=None):
    project, modules = _config()
    _, stem = _names(project)
    name = "%s.tar.gz" % stem
    members = ["pyproject.toml", "_build/baton_build.py"] + [m + ".py" for m in modules]
    if project.get("readme"):
        members.append(project["readme"])
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz", format=tarfile.PAX_FORMAT) as tar:
        def add(arcname, data):
            entry = tarfile.TarInfo("%s/%s" % (stem, arcname))
            entry.size, entry.mode, entry.mtime = len(data), 0o644, 315532800
            tar.addfile(entry, io.BytesIO(data))
        add("PKG-INFO", _metadata(project).encode("utf-8"))
        for member in members:
            with open(os.path.join(ROOT, member), "rb") as f:
                add(member, f.read())
    return name
