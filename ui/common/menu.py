"""The app's pages, in menu order: app.py, the home page and the tests read this list.

Page scripts live in ``ui/lessons/``. There is no ``pages/`` folder beside app.py, on purpose: Streamlit takes
one for its legacy multipage layout and runs a fresh server's first visits through it, which announced "Page not
found" to them, and in a burst of first visits (a class opening the lecturer's link) to some even after app.py had
taken over. Without it, app.py's ``st.navigation`` decides every run from the first one: a shared link opened by
the first visitor (say ``/pooling?stride=2``) opens that page with its settings.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

HOME = "ui/lessons/home.py"


@dataclass(frozen=True)
class PageInfo:
    path: str  # file, relative to the repository root
    icon: str
    group: str  # menu section: text id nav.group.<group>

    @property
    def url(self) -> str:
        """The page's URL path: "" for the home page, else its file name."""
        return "" if self.path == HOME else self.stem

    @property
    def stem(self) -> str:
        return PurePosixPath(self.path).stem

    @property
    def title_id(self) -> str:
        return f"nav.{self.stem}.title"

    @property
    def blurb_id(self) -> str:
        return f"nav.{self.stem}.blurb"


PAGES = (
    PageInfo("ui/lessons/home.py", ":material/home:", "start"),
    PageInfo("ui/lessons/convolution.py", ":material/grid_on:", "convolution"),
    PageInfo("ui/lessons/padding_stride.py", ":material/padding:", "convolution"),
    PageInfo("ui/lessons/pooling.py", ":material/filter_center_focus:", "convolution"),
    PageInfo("ui/lessons/volumes.py", ":material/layers:", "convolution"),
    PageInfo("ui/lessons/transposed.py", ":material/open_in_full:", "convolution"),
    PageInfo("ui/lessons/why_convolutions.py", ":material/lightbulb:", "convolution"),
    PageInfo("ui/lessons/conv_backprop.py", ":material/undo:", "convolution"),
    PageInfo("ui/lessons/edges.py", ":material/filter_b_and_w:", "images"),
    PageInfo("ui/lessons/layer_chain.py", ":material/stacks:", "networks"),
    PageInfo("ui/lessons/architectures.py", ":material/account_tree:", "networks"),
    PageInfo("ui/lessons/dense_as_conv.py", ":material/grid_view:", "networks"),
    PageInfo("ui/lessons/own_network.py", ":material/code:", "networks"),
    PageInfo("ui/lessons/training.py", ":material/model_training:", "training"),
    PageInfo("ui/lessons/mlp_vs_cnn.py", ":material/compare_arrows:", "training"),
    PageInfo("ui/lessons/quiz.py", ":material/quiz:", "class"),
    PageInfo("ui/lessons/poll.py", ":material/how_to_vote:", "class"),
)
