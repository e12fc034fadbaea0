from torch import nn

features = nn.Sequential(nn.Conv2d(1, 8, 3), nn.ReLU(), nn.MaxPool2d(2))
classifier = nn.Sequential(nn.Linear(8 * 13 * 13, 10))
model = nn.Sequential(features, nn.Flatten(), nn.Sequential(nn.Dropout(), classifier))
