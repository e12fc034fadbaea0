"""app.py imports ui/preload.py before anything else of the app's own (see ui/preload.py: first visits at once)."""
import ast

from tests.conftest import ROOT


def test_app_py_imports_the_preload_before_any_other_module_of_the_app():
    modules = []
    for node in ast.parse((ROOT / "app.py").read_text()).body:
        if isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            modules.append(node.module)
    ours = [m for m in modules if m.split(".")[0] in ("ui", "cnnviz")]
    assert ours and ours[0] == "ui.preload", ours
