# LeNet for MNIST, as the course's (KT AIVLE) Keras notes build it
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Input, Conv2D, AvgPool2D, Flatten, Dense
from tensorflow.keras.backend import clear_session

# 1. 세션 클리어
clear_session()

# 2. 모델 발판 생성
model = Sequential()

# 3. 레이어 블록 조립
model.add(Input(shape=(28, 28, 1)))
model.add(Conv2D(filters=6, kernel_size=(5, 5), strides=(1, 1), padding='valid', activation='relu'))
model.add(AvgPool2D(pool_size=(2, 2)))
model.add(Conv2D(filters=16, kernel_size=(5, 5), strides=(1, 1), padding='valid', activation='relu'))
model.add(AvgPool2D(pool_size=(2, 2)))
model.add(Flatten())
model.add(Dense(128, activation='relu'))
model.add(Dense(84, activation='relu'))
model.add(Dense(10, activation='softmax'))

# 4. 컴파일
model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])

# 요약
model.summary()

# 학습
# model.fit(x_train, y_train, epochs=5, validation_split=0.2)
