"""Wiring of the 三防 decisions part, imported by ``SanfangConfig.ready`` (receivers, layers, panels, providers)."""
