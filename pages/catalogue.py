"""The app's pages: one entry each, in menu order. app.py, the home page and the tests read this list."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath


HOME = "pages/home.py"


@dataclass(frozen=True)
class PageInfo:
    path: str  # file, relative to the repository root
    title: str
    icon: str
    group: str  # menu section
    blurb: str  # one sentence for the home page card

    @property
    def url(self) -> str:
        """The page's URL path: "" for the home page, else its file name. Streamlit's first run on a fresh
        server finds pages by file name (pages/common/entry.py explains why), so any other URL would open
        on "Page not found"."""
        return "" if self.path == HOME else PurePosixPath(self.path).stem


PAGES = (
    PageInfo("pages/home.py", "Home", ":material/home:", "Start",
             "What cnnviz teaches and how to use it in class."),
    PageInfo("pages/convolution.py", "Convolution, step by step", ":material/grid_on:", "Convolution",
             "Watch the kernel slide over the input and see every multiply-and-add of every output cell."),
    PageInfo("pages/padding_stride.py", "Padding & stride explorer", ":material/padding:",
             "Convolution", "Output sizes, the floor, which pixels the windows use, odd kernels."),
    PageInfo("pages/pooling.py", "Pooling", ":material/filter_center_focus:", "Convolution",
             "Max, average and min pooling, animated: the winning pixel, the output size, and zero parameters."),
    PageInfo("pages/volumes.py", "Convolution over volumes", ":material/layers:", "Convolution",
             "Colour images have channels: see each filter sum over all of them, and what its parameters cost."),
    PageInfo("pages/transposed.py", "Transposed convolution", ":material/open_in_full:", "Convolution",
             "Upsampling: stretch the input with zeros and convolve, or let every pixel stamp the kernel."),
    PageInfo("pages/edges.py", "Edge detection", ":material/filter_b_and_w:", "Images",
             "Sobel, Scharr and friends on sample images or your own photo, down to one pixel's multiply-and-add."),
    PageInfo("pages/layer_chain.py", "Layer-chain calculator", ":material/stacks:", "Networks",
             "Stack conv and pool layers: every shape, its formula, the receptive field, and the first layer "
             "that cannot fit."),
    PageInfo("pages/architectures.py", "Network architectures", ":material/account_tree:", "Networks",
             "LeNet-5 to DenseNet: the shape after every layer, parameters, multiply-adds; edit a network as a table."),
    PageInfo("pages/training.py", "Watch a CNN learn", ":material/model_training:", "Training",
             "Train LeNet on MNIST live: falling loss, forming filters, every layer's activations, your own digit."),
)
