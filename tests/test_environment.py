"""environment.yml (conda users) stays in step with pyproject.toml (pip users)."""

from __future__ import annotations

import re
import tomllib

import yaml

from drugflows import paths

#: PyPI name -> conda-forge name, where they differ.
CONDA_NAMES: dict[str, str] = {}


def _split(requirement: str) -> tuple[str, str]:
    name, spec = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*(.*)", requirement.strip()).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def test_environment_yml_matches_pyproject():
    pyproject = tomllib.loads((paths.PROJECT_ROOT / "pyproject.toml").read_text())
    env = yaml.safe_load((paths.PROJECT_ROOT / "environment.yml").read_text())
    project = pyproject["project"]
    wanted = dict(_split(r) for r in project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        wanted.update(_split(r) for r in extra)
    wanted = {CONDA_NAMES.get(n, n): s for n, s in wanted.items()}

    assert env["channels"] == ["conda-forge"]
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip_sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict)]
    assert pip_sections == [["-e ."]], "the pip section must install the project itself, editable"
    pins = dict(_split(d) for d in conda)
    python = pins.pop("python")
    pins.pop("pip")
    assert python == "=3.11"
    assert project["requires-python"] == ">=3.11"
    assert pins == wanted, (
        f"only in environment.yml: {sorted(set(pins.items()) - set(wanted.items()))}; "
        f"only in pyproject.toml: {sorted(set(wanted.items()) - set(pins.items()))}"
    )


def test_lock_pins_every_direct_dependency():
    lock = (paths.PROJECT_ROOT / "requirements.lock").read_text().splitlines()
    pinned = {_split(line.split("==")[0])[0] for line in lock if "==" in line}
    pyproject = tomllib.loads((paths.PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    direct = [_split(r)[0] for r in pyproject["dependencies"]]
    direct += [_split(r)[0] for extra in pyproject["optional-dependencies"].values() for r in extra]
    assert sorted(set(direct) - pinned) == []


def test_the_kernel_internals_the_fork_server_uses_are_bounded_and_the_lock_is_inside():
    from packaging.requirements import Requirement

    pyproject = tomllib.loads((paths.PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    bounded = {
        Requirement(r).name.lower().replace("_", "-"): Requirement(r).specifier
        for r in pyproject["dependencies"]
    }
    lock = dict(
        (_split(name)[0], version)
        for name, version in (
            line.split("==")
            for line in (paths.PROJECT_ROOT / "requirements.lock").read_text().splitlines()
            if "==" in line
        )
    )
    for name in ("jupyter-client", "ipykernel"):
        operators = {spec.operator for spec in bounded[name]}
        assert {">=", "<"} <= operators, f"{name} needs a lower and an upper bound: {bounded[name]}"
        assert lock[name] in bounded[name], f"the locked {name} {lock[name]} is outside {bounded[name]}"
