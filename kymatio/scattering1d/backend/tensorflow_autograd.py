"""The 1D core's sliced products for TensorFlow, with the blocks cut by ``tf.split``.

The gradient of a slice (``StridedSliceGrad``) writes it into a zero tensor of the whole
spectrum; with one per block it was a fifth of the time of the compiled 1D gradient (J=6
Q=8 N=8192). A split's gradient is one concatenation per spectrum.
"""
from typing import Callable, Dict, List, Sequence, Tuple

import tensorflow as tf

__all__ = ["sliced_product"]

Piece = Tuple[int, int, bool]


def sliced_product(X: tf.Tensor, f: tf.Tensor, pieces: Sequence[Piece], length: int,
                   compute: Callable) -> tf.Tensor:
    """:meth:`FourierBackend1D.sliced_product
    <kymatio.scattering1d.backend.fourier1d.FourierBackend1D.sliced_product>`, the same
    sums in the same order (``compute``, the generic one, is not used)."""
    starts = sorted({start + b * length for start, count, _ in pieces for b in range(count)})
    X_blocks, f_blocks = _blocks(X, starts, length), _blocks(f, starts, length)
    out = None
    for start, count, mirrored in pieces:
        term = X_blocks[start] * f_blocks[start]
        for b in range(1, count):
            term += X_blocks[start + b * length] * f_blocks[start + b * length]
        if mirrored:
            term = tf.math.conj(tf.reverse(term, [-1]))
        out = term if out is None else out + term
    return out


def _blocks(x: tf.Tensor, starts: List[int], length: int) -> Dict[int, tf.Tensor]:
    """``x[..., s:s + length]`` for each of ``starts``, from one ``tf.split`` of the last
    axis at every block's ends (overlapping blocks are joined from the pieces)."""
    bounds = sorted({0, x.shape[-1]} | set(starts) | {s + length for s in starts})
    pieces = dict(zip(bounds[:-1], tf.split(x, [b - a for a, b in zip(bounds[:-1], bounds[1:])],
                                            axis=-1)))
    blocks = {}
    for s in starts:
        parts = [pieces[b] for b in bounds[:-1] if s <= b < s + length]
        blocks[s] = parts[0] if len(parts) == 1 else tf.concat(parts, axis=-1)
    return blocks
