import keras
from keras import layers
from keras.layers import Activation, ReLU, LeakyReLU

keras.utils.set_random_seed(0)
model = keras.Sequential([
    layers.InputLayer(shape=(28, 28, 1)),
    layers.Conv2D(16, kernel_size=3, activation=keras.activations.relu),
    Activation('tanh'),
    layers.AveragePooling2D(pool_size=(3, 3), strides=(2, 1)),
    layers.Conv2D(8, 3, dilation_rate=2),
    LeakyReLU(negative_slope=0.2),
    layers.GlobalMaxPooling2D(),
    ReLU(),
    layers.Dense(4, activation="sigmoid"),
])
history = model.fit(x_train, y_train, epochs=3, batch_size=64)
