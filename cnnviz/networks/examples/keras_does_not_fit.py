# One convolution too many for a 28×28 digit: which layer stops?
from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(6, 5, activation="relu"),
    layers.MaxPooling2D(2),
    layers.Conv2D(16, 5, activation="relu"),
    layers.MaxPooling2D(2),
    layers.Conv2D(32, 5, activation="relu"),
    layers.Flatten(),
    layers.Dense(10, activation="softmax"),
])
model.summary()
