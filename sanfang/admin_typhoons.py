"""Admin of the 三防 typhoons part (imported by ``sanfang.admin``)."""
