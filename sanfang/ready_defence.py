"""Wiring of the 三防 defence part, imported by ``SanfangConfig.ready`` (receivers, layers, panels, providers)."""
