from keras import layers
import keras

model = keras.Sequential()
model.add(keras.Input(shape=(15, 15, 1)))
model.add(layers.Conv2D(8, 4, 2, 'same'))  # positional: filters, kernel_size, strides, padding
model.add(layers.MaxPool2D(2))
model.add(layers.Flatten())
model.add(layers.Dense(5))
model.summary()
