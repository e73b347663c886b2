"""Wiring of the 三防 typhoons part, imported by ``SanfangConfig.ready`` (receivers, layers, panels, providers)."""
