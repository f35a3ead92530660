"""hetflow from Python: the function worker (hetflow.worker)."""
