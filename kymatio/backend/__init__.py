"""Array primitives shared by the scattering transforms of every dimension.

Each backend module exposes the same functions (``modulus``, ``cdgmm``, ``concatenate``,
``join``, ...) for its array type; the dimension-specific backends add their FFTs,
padding and subsampling on top. Lower layers never import frontends.
"""
