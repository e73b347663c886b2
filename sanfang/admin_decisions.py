"""Admin of the 三防 decisions part (imported by ``sanfang.admin``)."""
