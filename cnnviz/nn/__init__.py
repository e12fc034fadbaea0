"""cnnviz.nn: a small numpy deep-learning engine — layers with forward/backward, LeNet, training.

>>> from cnnviz.nn import lenet, train, evaluate
>>> model = lenet("lenet5_mnist", seed=0)
>>> for progress in train(model, images, labels, epochs=1):   # one record per batch
...     print(progress.step, progress.loss)
>>> evaluate(model, test_images, test_labels).accuracy
>>> build("lenet5_mnist+bn+dropout"), mlp(seed=0)   # with BatchNorm and Dropout; a network without convolutions

Inside, feature maps are channels-last ``(N, H, W, C)`` (see :mod:`cnnviz.nn.layers` for why);
what the engine hands out for display (activations, ``Conv2d.kernels``) is channels-first.
"""
from .architectures import NETWORKS, VARIANTS, build, lenet, load_model, mlp, network_name
from .batchnorm import BatchNorm
from .augment import random_shift
from .conv import Conv2d
from .conv_im2col import Im2colConv2d
from .dropout import Dropout
from .layers import Dense, Flatten, Layer, ReLU, Tanh
from .loss import softmax, softmax_cross_entropy
from .model import Model, as_images
from .optim import OPTIMIZERS, SGD, Adam, make_optimizer
from .pooling import AvgPool2d, MaxPool2d
from .training import AUGMENTATIONS, SCHEDULES, Evaluation, Progress, evaluate, train

__all__ = [
    "AUGMENTATIONS", "NETWORKS", "OPTIMIZERS", "SCHEDULES", "SGD", "VARIANTS", "Adam", "AvgPool2d", "BatchNorm",
    "Conv2d", "Dense", "Dropout", "Evaluation", "Flatten", "Im2colConv2d", "Layer", "MaxPool2d", "Model", "Progress",
    "ReLU", "Tanh",
    "as_images", "build", "evaluate", "lenet", "load_model", "make_optimizer", "mlp", "network_name",
    "random_shift", "softmax", "softmax_cross_entropy", "train",
]
