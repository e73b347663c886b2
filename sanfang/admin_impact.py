"""Admin of the 三防 impact part (imported by ``sanfang.admin``)."""
