"""Frontend bases shared by the 1D, 2D and 3D transforms.

``base_frontend.ScatteringBase`` holds what every transform and library share (backend
choice, argument checks, batch reshaping, list outputs); ``numpy_frontend``,
``torch_frontend`` and ``sklearn_frontend`` add what one array library needs.
"""
