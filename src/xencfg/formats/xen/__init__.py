"""The Xen family: domU configurations in xm style (Python source) and xl style (libxlu),
their shared model (:mod:`.domu`) and literal reader (:mod:`._base`), and xend's
S-expression configuration (xend-config.sxp)."""
