import torch
from torch.nn import (Sequential, Conv2d, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, Flatten, Dropout, Linear,
                      LeakyReLU, Softmax)

model = Sequential(
    Conv2d(3, 12, kernel_size=(3, 5), stride=(2, 1), padding=(1, 2)),
    MaxPool2d(3, stride=2, ceil_mode=True),
    Conv2d(12, 24, 3, padding='same', groups=3, bias=False),
    torch.nn.Conv2d(24, 24, 3, dilation=2),
    AvgPool2d(2),
    AdaptiveAvgPool2d(1),
    Flatten(),
    Dropout(p=0.25),
    Linear(24, 10),
    LeakyReLU(0.1),
    Softmax(dim=1),
)
x = torch.randn(2, 3, 30, 30)
criterion = torch.nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
print(model(x).shape)
