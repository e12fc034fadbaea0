import torch
import torch.nn as nn

# input: 3×32×32 (a CIFAR-10 image)
model = nn.Sequential(
    nn.Conv2d(3, 64, 3, padding=1),
    nn.ReLU(inplace=True),
    nn.Conv2d(64, 64, kernel_size=3, padding=1),
    nn.BatchNorm2d(64),
    nn.ReLU(),
    nn.MaxPool2d(2, 2),
)
print(sum(p.numel() for p in model.parameters()))
