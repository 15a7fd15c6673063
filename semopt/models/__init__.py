"""Cost models: FLOPs of layers (:mod:`.layers`), the radio channel (:mod:`.channel`), delays (:mod:`.latency`)."""
