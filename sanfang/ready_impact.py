"""Wiring of the 三防 impact part, imported by ``SanfangConfig.ready`` (receivers, layers, panels, providers)."""
