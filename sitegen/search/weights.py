"""Every document's term weights in three flat buffers, as the search state keeps them.

Why not a list of (numbers, weights) per document: at 10,000 documents that is 20,000 objects
to create on every load, and in a build's big heap allocating them is what triggers the
garbage collector's full passes (0.1 s and more, measured); three buffers are three objects.
A build reads a few documents and replaces a few (`changed`); the buffers are rebuilt only
when written out (`flat`).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from itertools import accumulate

from sitegen.search.index import Compact


class Weights:
    """Document number -> its Compact weights (term numbers, one byte per weight)."""

    def __init__(self, ids: array[int], values: bytes, offsets: array[int]) -> None:
        if not (offsets and offsets[0] == 0 and offsets[-1] == len(ids) == len(values)):
            raise ValueError("weights: offsets do not match the buffers")
        self.ids, self.values, self.offsets = ids, values, offsets
        self.changed: dict[int, Compact] = {}

    @classmethod
    def of(cls, weights: Iterable[Compact]) -> Weights:
        ids, values, offsets = array("I"), bytearray(), array("Q", [0])
        for numbers, weights_ in weights:
            ids.extend(numbers)
            values += weights_
            offsets.append(len(ids))
        return cls(ids, bytes(values), offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, number: int) -> Compact:
        if number in self.changed:
            return self.changed[number]
        if not 0 <= number < len(self):
            raise IndexError(number)
        start, end = self.offsets[number], self.offsets[number + 1]
        return self.ids[start:end], self.values[start:end]

    def __setitem__(self, number: int, weights: Compact) -> None:
        if not 0 <= number < len(self):
            raise IndexError(number)
        self.changed[number] = weights

    def __iter__(self) -> Iterator[Compact]:
        return (self[number] for number in range(len(self)))

    def copy(self) -> Weights:
        """Another Weights sharing the buffers (never modified in place), with its own changes."""
        other = Weights(self.ids, self.values, self.offsets)
        other.changed = dict(self.changed)
        return other

    def flat(self) -> tuple[array[int], bytes, array[int]]:
        """(term numbers, weights, offsets), the changes merged in."""
        if not self.changed:
            return self.ids, self.values, self.offsets
        ids, values, done = array("I"), bytearray(), 0
        for number in sorted(self.changed):
            start, end = self.offsets[done], self.offsets[number]
            ids.extend(self.ids[start:end])
            values += self.values[start:end]
            numbers, weights = self.changed[number]
            ids.extend(numbers)
            values += weights
            done = number + 1
        ids.extend(self.ids[self.offsets[done] :])
        values += self.values[self.offsets[done] :]
        offsets, changed = self.offsets, self.changed
        lengths = (
            len(changed[n][1]) if n in changed else offsets[n + 1] - offsets[n]
            for n in range(len(self))
        )
        return ids, bytes(values), array("Q", accumulate(lengths, initial=0))
