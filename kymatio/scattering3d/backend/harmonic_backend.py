"""The backend interface of the 3D harmonic scattering transform.

:class:`HarmonicBackend` is a :class:`kymatio.backend.fourier.FourierBackend` over three
axes plus the primitives the 3D transform adds: ``cdgmm3d``, ``modulus_rotation`` and
``compute_integrals``, written with the primitives every native module provides.
"""
import importlib
from types import ModuleType
from typing import Any, Callable, List, Optional, Sequence, Tuple


from ...backend.fourier import FourierBackend, optional_module
from ..utils import power_sums

__all__ = ["HarmonicBackend", "piece_operand"]

#: A piece of the filter rows: ``(r0, r1, [(l, a, b), ...])`` (see ``filtered_moduli``).
Pieces = Tuple[int, int, List[Tuple[int, int, int]]]


def piece_operand(source: Any, r0: int, r1: int, parts: Sequence[Tuple[int, int, int]],
                  row_degree: Sequence[int], take: Callable[[Any, Sequence[int], int], Any]
                  ) -> Any:
    """The spectra the rows ``r0:r1`` of a piece multiply (see
    :meth:`HarmonicBackend.filtered_moduli`): the whole ``source`` (D == 1), the one
    degree of the piece, or one per row (``take(source, indices, axis)``)."""
    if source.shape[1] == 1:
        return source
    if len(parts) == 1:
        l = parts[0][0]
        return source[:, l:l + 1]
    return take(source, row_degree[r0:r1], 1)


class HarmonicBackend(FourierBackend):
    """Primitives of the 3D harmonic scattering transform for one array library.

    Parameters
    ----------
    base : module
        A native module, :mod:`kymatio.backend.native_<library>`.
    """

    def __init__(self, base: ModuleType) -> None:
        super().__init__(base, ndim=3)
        self._filtered_squares = optional_module(f"{__package__}.{self.name}_filtered_squares")

    def cdgmm3d(self, A: Any, B: Any) -> Any:
        """Pointwise product of spectra ``A`` with filters ``B`` (see ``cdgmm``)."""
        return self.cdgmm(A, B)

    def modulus_squared(self, x: Any) -> Any:
        """``|x|^2`` of a complex array, without the square root."""
        self._base.complex_check(x)
        real, imag = self._base.real(x), self._base.imag(x)
        return real * real + imag * imag

    def negate_frequencies(self, x: Any) -> Any:
        """``x(-w)``: the spectrum ``x`` read at the opposite frequencies (index ``-k
        mod n`` along each of the last three axes)."""
        for axis in (-3, -2, -1):
            n = x.shape[axis]
            x = self._base.take(x, [(-k) % n for k in range(n)], axis)
        return x

    def squared_parts(self, x: Any) -> Any:
        """Squares of the real and imaginary parts of a complex array, interleaved.

        Parameters
        ----------
        x : array, complex, shape (...)
            A freshly computed array (overwritten when no gradient is recorded).

        Returns
        -------
        array, real, shape (..., 2)
            ``[..., 0] = x.real ** 2`` and ``[..., 1] = x.imag ** 2``.
        """
        self._base.complex_check(x)
        return self._base.square_fresh(self._base.view_as_real(x))

    def filtered_squares(self, operand: Any, filters: Any,
                         parts: Sequence[Tuple[int, int]]) -> Any:
        """Squared real and imaginary parts of the unnormalised inverse FFT of
        ``operand * filters`` (``V ifft``, ``V`` the number of voxels: the core divides
        its few spectra by ``V`` instead of every inverse FFT), summed over slices of
        the filter axis.

        Parameters
        ----------
        operand : array, complex, shape (n, 1 or r, M, N, O)
            Spectra, broadcast to every filter or one per filter.
        filters : array, complex, shape (r, M, N, O)
        parts : sequence of (a, b)
            Slices of the filter axis.

        Returns
        -------
        array, real, shape (n, len(parts), M, N, O, 2)
            Sums over ``a <= k < b`` of :meth:`squared_parts` of
            ``V ifft(operand[:, k] * filters[k])``. A library may provide its own (with
            a hand-written backward pass, or an unnormalised inverse FFT of its own),
            as ``filtered_squares`` of the module
            ``<name>_filtered_squares`` beside this one (see
            :mod:`kymatio.scattering3d.backend.torch_filtered_squares`).
        """
        if self._filtered_squares is not None:
            return self._filtered_squares.filtered_squares(operand, filters, parts)
        shape = tuple(operand.shape[-3:])
        volume = shape[0] * shape[1] * shape[2]
        squares = self.squared_parts(self.ifft(self.cdgmm3d(operand, filters)) * volume)
        return self.concatenate([self._base.reduce_sum(squares[:, a:b], 1) for a, b in parts],
                                axis=1)

    def filtered_moduli(self, source: Any, filters: Any, pieces: Sequence[Pieces],
                        row_degree: Sequence[int], width: int) -> Any:
        """Rotation-covariant moduli of spectra filtered by one scale's wavelets.

        Parameters
        ----------
        source : array, complex, shape (n, D, M, N, O)
            ``D == 1``: one spectrum per slot, filtered by every row of ``filters``.
            Otherwise one per degree (the first-order moduli), each filtered by the
            rows of its degree.
        filters : array, complex, shape (R, M, N, O)
            The wavelets of one scale, ``width`` rows per wavelet.
        pieces : sequence of (r0, r1, [(l, a, b), ...])
            The rows split into cache-sized pieces, each with the slices ``a:b`` of
            its rows (relative to ``r0``) that belong to degree ``l``.
        row_degree : sequence of int
            The degree of each row.
        width : int
            Batch elements per slot: 2 (pairs, real and imaginary parts apart) or 1.

        Returns
        -------
        array, real, shape (n, L + 1, M, N, O, width)
            ``sqrt`` of the :meth:`filtered_squares` summed over the rows of each
            degree (and over the real and imaginary parts for ``width == 1``). A
            library may provide its own as ``filtered_moduli`` of the module
            ``<name>_filtered_squares``, which returns None for the cases it leaves
            to this one.
        """
        own = getattr(self._filtered_squares, "filtered_moduli", None)
        moduli = None if own is None else own(source, filters, pieces, row_degree, width)
        if moduli is not None:
            return moduli

        def squares(r0: int, r1: int, parts: Sequence) -> Any:
            operand = piece_operand(source, r0, r1, parts, row_degree, self.take)
            return self.filtered_squares(operand, filters[r0:r1],
                                         [(a, b) for _, a, b in parts])

        first_parts = pieces[0][2]
        if len(pieces) == 1 and [l for l, _, _ in first_parts] == list(range(len(first_parts))):
            # one piece with every degree in order: its sums are the powers (slicing them
            # out costs a zero tensor of the full size each in TensorFlow's backward)
            P = squares(*pieces[0])
        else:
            power: dict = {}
            for r0, r1, parts in pieces:
                sums = squares(r0, r1, parts)
                for i, (l, _, _) in enumerate(parts):
                    power[l] = sums[:, i] if l not in power else power[l] + sums[:, i]
            P = self.concatenate([power[l] for l in sorted(power)], axis=1)
        if width == 1:
            P = P[..., :1] + P[..., 1:]
        return self.sqrt(P)

    def pairs_as_complex(self, x: Any) -> Any:
        """The complex array ``x[..., 0] + i x[..., 1]`` of a real ``x`` (..., 2)
        (a view when ``x`` is contiguous)."""
        self._base.real_check(x)
        return self._base.view_as_complex(x)

    def complex_as_pairs(self, x: Any) -> Any:
        """The real array (..., 2) of the real and imaginary parts of ``x``."""
        self._base.complex_check(x)
        return self._base.view_as_real(x)

    def modulus_rotation(self, x: Any, module: Optional[Any] = None) -> Any:
        """Accumulate the rotation-covariant modulus ``sqrt(sum_m |x_m|^2)``.

        Parameters
        ----------
        x : array, complex
            One more term ``x_m``.
        module : array, real, optional
            The modulus of the terms so far (None for the first term).

        Returns
        -------
        array, real
            ``sqrt(module^2 + |x|^2)``.
        """
        power = self.modulus_squared(x)
        if module is not None:
            power = power + module ** 2
        return self._base.sqrt(power)

    def compute_integrals(self, input_array: Any, integral_powers: Sequence[float]) -> Any:
        """Sums over the last three axes of ``input_array ** p`` for each ``p``.

        Parameters
        ----------
        input_array : array, real, shape (..., M, N, O)
        integral_powers : sequence of float

        Returns
        -------
        array, shape (..., len(integral_powers)), of the input's dtype
        """
        return self.concatenate(power_sums(input_array, integral_powers), axis=-1)

    def primitives(self) -> dict:
        """Every primitive by name, for a backend module to export."""
        names = ("cdgmm3d", "modulus_squared", "negate_frequencies", "squared_parts",
                 "filtered_squares", "filtered_moduli",
                 "pairs_as_complex", "complex_as_pairs", "modulus_rotation", "compute_integrals")
        return {**super().primitives(), **{n: getattr(self, n) for n in names}}

    def __reduce__(self) -> tuple:
        return (_harmonic_backend_by_name, (self._base.__name__,))

    def __repr__(self) -> str:
        return f"HarmonicBackend(name={self.name!r})"


def _harmonic_backend_by_name(module_name: str) -> HarmonicBackend:
    return HarmonicBackend(importlib.import_module(module_name))
