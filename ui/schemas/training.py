"""The training page's settings: the network, the data, the training run, and the pace it is shown at."""
from __future__ import annotations

from dataclasses import dataclass

from cnnviz.nn import network_name
from ui.common.schema import Settings, choice, flag, integer

BATCH_SIZES = ("16", "32", "64", "128", "256")
LEARNING_RATES = ("0.0001", "0.0003", "0.001", "0.003", "0.01", "0.03", "0.1")
PACES = {"realtime": 0.0, "slow": 1.0, "step": 0.0}  # seconds between batches; "step": one batch per click


@dataclass(frozen=True)
class TrainingSettings(Settings):
    """Everything that defines a run (all but ``pace``, which only decides how fast it is shown)."""

    PAGE = "train"
    SAMPLE = {"variant": "lenet5", "batchnorm": True, "dropout": True, "source": "full", "epochs": 3,
              "seed": 7, "batch_size": "128", "optimizer": "sgd", "lr": "0.01", "pace": "slow"}
    variant: str = choice("lenet5_mnist", ("lenet5_mnist", "lenet5"))
    batchnorm: bool = flag(False, widget="checkbox")
    dropout: bool = flag(False, widget="checkbox")
    source: str = choice("bundled", ("bundled", "full"))
    epochs: int = integer(5, 1, 20)
    seed: int = integer(0, 0, 9999)
    batch_size: str = choice("64", BATCH_SIZES, widget="segmented")
    optimizer: str = choice("adam", ("adam", "sgd"), widget="select")
    lr: str = choice("0.003", LEARNING_RATES, widget="select")
    pace: str = choice("realtime", tuple(PACES), widget="segmented")

    @property
    def network(self) -> str:
        """The network's full name for :func:`cnnviz.nn.build`, e.g. ``"lenet5_mnist+bn"``."""
        return network_name(self.variant, self.batchnorm, self.dropout)

    def run(self) -> tuple:
        """What decides the run (the pace does not): two settings with the same run train the same."""
        return (self.network, self.source, self.epochs, self.seed, self.batch_size, self.optimizer, self.lr)
