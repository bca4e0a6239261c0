"""The shape of the code: every module sits in one layer of the import-linter contracts
(pyproject.toml), and no two modules import each other, directly or through others."""

from __future__ import annotations

import tomllib

import grimp
import pytest

from tests.conftest import REPO_DIR

CONFIG = tomllib.loads((REPO_DIR / "pyproject.toml").read_text())["tool"]["importlinter"]
ROOTS = CONFIG["root_packages"]


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*ROOTS, cache_dir=None)


def layered_modules() -> list[str]:
    layers = CONFIG["contracts"][0]["layers"]
    return [name.strip() for layer in layers for name in layer.replace("|", ":").split(":")]


def test_every_module_belongs_to_a_layer(graph):
    layered = layered_modules()
    orphans = sorted(
        module
        for module in graph.modules
        if module not in ROOTS
        and not any(module == name or module.startswith(f"{name}.") for name in layered)
    )
    assert orphans == [], "add these modules to a layer in pyproject.toml"


def test_every_layered_module_exists(graph):
    assert sorted(set(layered_modules()) - graph.modules) == []


def test_no_module_takes_part_in_an_import_cycle(graph):
    cycles = [sorted(group) for group in strongly_connected(graph) if len(group) > 1]
    assert cycles == []


def strongly_connected(graph: grimp.ImportGraph) -> list[set[str]]:
    """Tarjan's strongly connected components of the module import graph (iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                components.append(component)
    return components


def test_the_cycle_finder_finds_a_cycle():
    """The check above could fail: a three-module loop is one component, a chain is not."""

    class Loop:
        modules = {"a", "b", "c", "d"}
        edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}

        def find_modules_directly_imported_by(self, module: str) -> set[str]:
            return self.edges[module]

    components = strongly_connected(Loop())  # type: ignore[arg-type]
    assert sorted(map(sorted, components)) == [["a", "b", "c"], ["d"]]
