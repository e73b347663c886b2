"""Wiring of the 三防 monitoring part, imported by ``SanfangConfig.ready`` (receivers, layers, panels, providers)."""
