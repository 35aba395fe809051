"""ctinfer-convert: trained models (ONNX, Keras/RTNeural JSON) to ctinfer headers and blobs."""
