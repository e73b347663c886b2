"""Admin of the 三防 defence part (imported by ``sanfang.admin``)."""
