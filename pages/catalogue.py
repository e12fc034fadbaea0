"""The app's pages: one entry each, in menu order. app.py, the home page and the tests read this list."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageInfo:
    path: str  # file, relative to the repository root
    url: str  # stable URL path (shared links point here)
    title: str
    icon: str
    group: str  # menu section
    blurb: str  # one sentence for the home page card


PAGES = (
    PageInfo("pages/home.py", "home", "Home", ":material/home:", "Start",
             "What cnnviz teaches and how to use it in class."),
    PageInfo("pages/convolution.py", "convolution", "Convolution, step by step", ":material/grid_on:", "Convolution",
             "Watch the kernel slide over the input and see every multiply-and-add of every output cell."),
    PageInfo("pages/volumes.py", "volumes", "Convolution over volumes", ":material/layers:", "Convolution",
             "Colour images have channels: see each filter sum over all of them, and what its parameters cost."),
    PageInfo("pages/padding_stride.py", "padding-stride", "Padding & stride explorer", ":material/padding:",
             "Convolution", "Output sizes, the floor, which pixels the windows use, odd kernels."),
    PageInfo("pages/layer_chain.py", "layer-chain", "Layer-chain calculator", ":material/stacks:", "Convolution",
             "Stack conv and pool layers: every shape, its formula, the receptive field, and the first layer that cannot fit."),
    PageInfo("pages/edges.py", "edges", "Edge detection", ":material/filter_b_and_w:", "Images",
             "Sobel, Scharr and friends on sample images or your own photo, down to one pixel's multiply-and-add."),
    PageInfo("pages/architectures.py", "architectures", "Network architectures", ":material/account_tree:", "Networks",
             "LeNet-5 to DenseNet: the shape after every layer, parameters, multiply-adds; edit a network as a table."),
    PageInfo("pages/transposed.py", "transposed", "Transposed convolution", ":material/open_in_full:", "Convolution",
             "Upsampling: stretch the input with zeros and convolve, or let every pixel stamp the kernel."),
    PageInfo("pages/pooling.py", "pooling", "Pooling", ":material/filter_center_focus:", "Convolution",
             "Max, average and min pooling, animated: the winning pixel, the output size, and zero parameters."),
    PageInfo("pages/training.py", "training", "Watch a CNN learn", ":material/model_training:", "Training",
             "Train LeNet on MNIST live: falling loss, forming filters, every layer's activations, your own digit."),
)
