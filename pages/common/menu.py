"""The app's pages, in menu order: app.py, the home page and the tests read this list.

Page scripts live in ``pages/lessons/``, one level below ``pages/``, on purpose: on a fresh server Streamlit's
legacy multipage discovery lists only ``pages/*.py``, so a shared link opened by the first visitor (say
``/pooling?stride=2``) finds no such page, runs app.py, and app.py's ``st.navigation`` opens the page it asks
for with its settings. This is the whole mechanism; nothing in the pages has to know about it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

HOME = "pages/lessons/home.py"


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
    PageInfo("pages/lessons/home.py", ":material/home:", "start"),
    PageInfo("pages/lessons/convolution.py", ":material/grid_on:", "convolution"),
    PageInfo("pages/lessons/padding_stride.py", ":material/padding:", "convolution"),
    PageInfo("pages/lessons/pooling.py", ":material/filter_center_focus:", "convolution"),
    PageInfo("pages/lessons/volumes.py", ":material/layers:", "convolution"),
    PageInfo("pages/lessons/transposed.py", ":material/open_in_full:", "convolution"),
    PageInfo("pages/lessons/why_convolutions.py", ":material/lightbulb:", "convolution"),
    PageInfo("pages/lessons/conv_backprop.py", ":material/undo:", "convolution"),
    PageInfo("pages/lessons/edges.py", ":material/filter_b_and_w:", "images"),
    PageInfo("pages/lessons/layer_chain.py", ":material/stacks:", "networks"),
    PageInfo("pages/lessons/architectures.py", ":material/account_tree:", "networks"),
    PageInfo("pages/lessons/dense_as_conv.py", ":material/grid_view:", "networks"),
    PageInfo("pages/lessons/own_network.py", ":material/code:", "networks"),
    PageInfo("pages/lessons/training.py", ":material/model_training:", "training"),
    PageInfo("pages/lessons/mlp_vs_cnn.py", ":material/compare_arrows:", "training"),
    PageInfo("pages/lessons/quiz.py", ":material/quiz:", "class"),
    PageInfo("pages/lessons/poll.py", ":material/how_to_vote:", "class"),
)
